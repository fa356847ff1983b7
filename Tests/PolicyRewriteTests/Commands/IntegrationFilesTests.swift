import Foundation
import Testing

/// The files other tools read: the composite GitHub Action, the pre-commit hook, and the README's
/// workflow that uses them. actionlint cannot be installed here, so their structure is checked
/// by loading them as YAML (Python's PyYAML).
@Suite struct IntegrationFilesTests {
  /// Runs a Python check over the YAML file at `path`; returns what it printed (nothing when fine).
  static func check(_ path: String, _ body: String) throws -> String {
    let script =
      "import sys, yaml\ndocument = yaml.safe_load(open(sys.argv[1]))\nproblems = []\n" + body
      + "\nprint('\\n'.join(problems))\n"
    let result = CLI.tool(
      "python3", ["-c", script, ReadmeTests.packageRoot.appendingPathComponent(path).path],
      cwd: ReadmeTests.packageRoot)
    try #require(result.status == 0, "python3 with PyYAML is needed: \(result.stderr)")
    return text(result.stdout).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @Test func theActionIsAWellFormedCompositeAction() throws {
    let problems = try Self.check(
      "action.yml",
      """
      for key in ("name", "description", "inputs", "runs"):
          if key not in document: problems.append(f"missing {key}")
      for name, spec in document["inputs"].items():
          if "description" not in spec: problems.append(f"input {name} has no description")
      runs = document["runs"]
      if runs.get("using") != "composite": problems.append("not a composite action")
      names = set()
      for step in runs["steps"]:
          if ("run" in step) == ("uses" in step): problems.append(f"step {step.get('name')}: exactly one of run and uses")
          if "run" in step and "shell" not in step: problems.append(f"step {step.get('name')}: run without shell")
          if "uses" in step and "@" not in step["uses"]: problems.append(f"step {step.get('name')}: unpinned action")
          names.add(step.get("name"))
          for expression in [step.get("if", "")] + [str(v) for v in (step.get("with") or {}).values()]:
              for used in __import__("re").findall(r"inputs\\.([A-Za-z_-]+)", str(expression)):
                  if used not in document["inputs"]: problems.append(f"unknown input {used}")
      upload = next((s for s in runs["steps"] if "upload-sarif" in s.get("uses", "")), None)
      if upload is None or "always()" not in upload.get("if", ""): problems.append("the SARIF upload must run if: always()")
      build = next((s for s in runs["steps"] if "swift build -c release" in s.get("run", "")), None)
      if build is None: problems.append("no release build step")
      cache = next((s for s in runs["steps"] if s.get("uses", "").startswith("actions/cache@")), None)
      if cache is None or "sources.outputs.hash" not in cache["with"]["key"]: problems.append("the build cache is not keyed by the sources")
      for step in runs["steps"]:
          if "uses" in step and not __import__("re").fullmatch(r"[^@]+@[0-9a-f]{40}", step["uses"]): problems.append(f"step {step.get('name')}: not pinned by commit")
      """)
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test func thePreCommitHookIsQuietAndSelectsTheDefaultFiles() throws {
    let problems = try Self.check(
      ".pre-commit-hooks.yaml",
      """
      hook = document[0]
      if hook["id"] != "policy-rewrite-check": problems.append("id")
      if hook["entry"] != "policy-rewrite check --quiet": problems.append(f"entry {hook['entry']}")
      if hook["language"] != "swift": problems.append("language")
      import re
      pattern = re.compile(hook["files"])
      for name in ["apis/a/policy.xml", "main.tf", "apim.bicep", "azuredeploy.json", "configuration.prod.yaml", "x.xml.tftpl"]:
          if not pattern.search(name): problems.append(f"{name} not selected")
      for name in ["README.md", "src/app.py"]:
          if pattern.search(name): problems.append(f"{name} selected")
      """)
    #expect(problems.isEmpty, "\(problems)")
  }

  @Test func theReadmeWorkflowUsesTheActionWithTheRightPermissions() throws {
    // The README's blocks lose their indentation in ReadmeTests.blocks(); YAML needs it.
    let readme = try String(contentsOf: ReadmeTests.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let start = try #require(readme.range(of: "```yaml\nname: function keys\n"))
    let end = try #require(readme.range(of: "```\n", range: start.upperBound..<readme.endIndex))
    let workflow = String(
      readme[readme.index(start.upperBound, offsetBy: -"name: function keys\n".count)..<end.lowerBound])
    let folder = try CLI.makeTemporaryFolder("policy-rewrite-workflow")
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("workflow.yml")
    try Data(workflow.utf8).write(to: file)
    let script = """
      import sys, yaml
      document = yaml.safe_load(open(sys.argv[1]))
      problems = []
      permissions = document.get("permissions", {})
      if permissions.get("security-events") != "write": problems.append("permissions: security-events: write")
      steps = [step for job in document["jobs"].values() for step in job["steps"]]
      action = [step for step in steps if "policy-rewrite" in step.get("uses", "")]
      if not action: problems.append("the workflow does not use the action")
      elif str(action[0].get("with", {}).get("sarif")).lower() != "true": problems.append("SARIF not asked for")
      print("\\n".join(problems))
      """
    let result = CLI.tool("python3", ["-c", script, file.path], cwd: folder)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(text(result.stdout).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(text(result.stdout))")
  }
}
