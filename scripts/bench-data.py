#!/usr/bin/env python3
"""Deterministic benchmark data for scripts/bench (no network, no external input).

  bench-data.py tree --out DIR --count N --variant raw|wf|iac|tf
      N policy files in an APIOps-like layout:
        apis/<api>/policy.xml
        apis/<api>/operations/<operation>/policy.xml
        products/<product>/policy.xml
        policy fragments/<fragment>/policy.xml
      Shapes follow real APIM policies: inbound/backend/outbound/on-error, <base />,
      set-backend-service, rate-limit(-by-key), quota, cors, validate-jwt, check-header,
      choose/when/otherwise, set-variable, set-body, send-request, cache-lookup/-store,
      retry, return-response, include-fragment, comments, 4-space/2-space/tab indentation,
      some CRLF, some XML declarations and byte-order marks.
      About 1 file in 5 injects a key with <set-header name="x-functions-key">.
      variant raw: about half the files write policy expressions the way APIM accepts
                   them and XML parsers do not (unescaped '"', '&&', '<' inside
                   attribute values and element text);
      variant wf:  the same files with every expression escaped (well-formed XML).
      variant iac: the wf policies embedded in infrastructure code: even files as Bicep
                   modules (policy.bicep: a ''' multi-line string, or a '...' string with
                   escapes in every other one), odd files as ARM templates
                   (azuredeploy.json, a JSON string with \\r\\n or \\n escapes).
      variant tf:  the wf policies in Terraform heredocs (policy.tf: xml_content = <<XML
                   of an azurerm_api_management_api_policy), LF line endings.
      variant tfl: the wf policies in a Terraform layout, as the policy graph reads it:
                   per API a main.tf with azurerm_api_management_api and
                   azurerm_api_management_api_policy (file() or templatefile() of
                   policy.xml), every third API a module call instead; per operation an
                   azurerm_api_management_api_operation_policy beside it (a heredoc, or
                   file() of operations/<op>.xml); per product an azurerm_api_management_product,
                   its product_policy (every other one a module call) and product_api
                   memberships; per fragment an azurerm_api_management_policy_fragment
                   (the first ones named as the policies include them).
      File i depends only on i, so a tree of N files is the first N files of any larger
      tree of the same variant.
      Also writes DIR.files (one path per line) and DIR.files0 (NUL-separated) with
      absolute paths, and DIR.stats (JSON).

  bench-data.py apps --out DIR --count N
      N Azure Functions projects (DIR/apps/<api>-func, host.json) for the first N APIs of
      the trees' layout, whose backends the policies name: even ones Node v4 projects
      (src/functions/*.ts with app.http, tsconfig.json, dist/ and node_modules/ that the
      readiness scan must skip), odd ones function.json projects; one trigger in three
      still asks for a function key. DIR/infra/apps.tf declares each Function App
      (azurerm_linux_function_app with Easy Auth) and its azurerm_api_management_backend.
      Planned beside a tree (plan TREE DIR), this is the readiness scan's work.

  bench-data.py big --out FILE --size BYTES
      One well-formed policy of about BYTES bytes: <inbound> with thousands of
      <choose> blocks, each with several <when> branches (set-variable, set-header,
      rewrite-uri, set-backend-service, an occasional x-functions-key injection) and a
      large <set-body> template in <outbound>.
"""

import argparse
import json
import os
import random
import shutil
import sys

GENERATOR_VERSION = "4"

WORDS = [
    "orders", "payments", "inventory", "customers", "shipping", "billing", "catalog",
    "reports", "notifications", "identity", "search", "pricing", "returns", "loyalty",
    "accounts", "ledger", "claims", "quotes", "documents", "events", "devices",
    "telemetry", "profiles", "tickets", "bookings", "vendors", "assets", "contracts",
]
VERBS = ["get", "list", "create", "update", "delete", "patch", "search", "post"]
REGIONS = ["weu", "neu", "eus", "wus", "sea", "uks"]
HEADERS = ["x-request-source", "x-correlation-id", "x-tenant", "x-api-version",
           "x-forwarded-client", "x-caller", "Ocp-Apim-Trace"]


# ---------------------------------------------------------------------------
# Expressions. An expression is a list of ("lit", text) / ("q", text) pieces
# wrapped in Expr; Doc renders it raw or escaped depending on the variant.
# ---------------------------------------------------------------------------

class Expr:
    """A policy expression such as @(...) or @{...}."""

    def __init__(self, text):
        self.text = text


def attr_expr(rng):
    name = rng.choice(HEADERS)
    word = rng.choice(WORDS)
    return Expr(rng.choice([
        f'@(context.Request.Headers.GetValueOrDefault("{name}", "") == "{word}")',
        f'@(context.Variables.GetValueOrDefault<string>("tenant", "default") != "none")',
        f'@(context.Response.StatusCode >= 500 && context.Response.StatusCode < 600)',
        f'@((string)context.Variables["region"] == "{rng.choice(REGIONS)}")',
        f'@(context.Request.Url.Query.GetValueOrDefault("api-version", "") == "2024-0{rng.randint(1, 9)}-01")',
        f'@(context.User != null && context.User.Groups.Any(g => g.Name == "{word}-admins"))',
        f'@(context.Request.Method == "POST" && context.Request.Body != null)',
        f'@(context.Subscription?.Key ?? "anonymous")',
    ]))


def text_expr(rng):
    word = rng.choice(WORDS)
    return Expr(rng.choice([
        '@(context.Request.IpAddress)',
        '@(context.RequestId.ToString())',
        f'@((string)context.Variables["{word}-id"])',
        '@(context.Variables.GetValueOrDefault<string>("tenant", "default"))',
        f'@(context.Request.Headers.GetValueOrDefault("x-{word}", "none"))',
        '@(String.Join(",", context.User.Groups.Select(g => g.Name)))',
        '@(DateTime.UtcNow.ToString("o"))',
    ]))


def body_expr(rng, lines):
    word = rng.choice(WORDS)
    body = [
        "@{",
        "var body = context.Request.Body.As<JObject>(preserveContent: true);",
        f'body["source"] = "apim-{word}";',
        'body["requestId"] = context.RequestId.ToString();',
    ]
    for k in range(lines):
        body.append(f'if (body["field{k}"] == null && context.Variables.ContainsKey("f{k}")) '
                    f'{{ body["field{k}"] = (string)context.Variables["f{k}"]; }}')
    body.append("return body.ToString();")
    body.append("}")
    return Expr("\n".join(body))


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------

class Doc:
    def __init__(self, indent, raw):
        self.indent = indent
        self.raw = raw
        self.lines = []
        self.depth = 0
        self.raw_used = False

    def _expr(self, value, in_attr):
        if isinstance(value, Expr):
            t = value.text
            if self.raw:
                if any(c in t for c in '"&<') if in_attr else any(c in t for c in "&<"):
                    self.raw_used = True
                return t
            t = t.replace("&", "&amp;").replace("<", "&lt;")
            if in_attr:
                t = t.replace('"', "&quot;")
            return t
        return str(value)

    def _attrs(self, attrs):
        out = []
        for k, v in attrs:
            out.append(f' {k}="{self._expr(v, True)}"')
        return "".join(out)

    def line(self, s):
        self.lines.append(self.indent * self.depth + s)

    def empty(self, tag, *attrs):
        self.line(f"<{tag}{self._attrs(attrs)} />")

    def text(self, tag, value, *attrs):
        v = self._expr(value, False)
        if "\n" in v:
            pad = self.indent * (self.depth + 1)
            v = "\n".join(pad + l for l in v.split("\n"))
            self.line(f"<{tag}{self._attrs(attrs)}>")
            self.lines.append(v)
            self.line(f"</{tag}>")
        else:
            self.line(f"<{tag}{self._attrs(attrs)}>{v}</{tag}>")

    def open(self, tag, *attrs):
        self.line(f"<{tag}{self._attrs(attrs)}>")
        self.depth += 1

    def close(self, tag):
        self.depth -= 1
        self.line(f"</{tag}>")

    def comment(self, s):
        self.line(f"<!-- {s} -->")


def key_injection(d, rng, api):
    name = "x-functions-key" if rng.random() < 0.9 else "X-Functions-Key"
    action = rng.choice(["override", "override", "override", "skip"])
    d.open("set-header", ("name", name), ("exists-action", action))
    d.text("value", "{{" + f"{api}-func-key" + "}}")
    d.close("set-header")


def set_header(d, rng):
    d.open("set-header", ("name", rng.choice(HEADERS)), ("exists-action", rng.choice(["override", "skip", "append"])))
    d.text("value", text_expr(rng) if rng.random() < 0.6 else rng.choice(WORDS))
    d.close("set-header")


def cors(d, rng):
    d.open("cors", ("allow-credentials", rng.choice(["true", "false"])))
    d.open("allowed-origins")
    for _ in range(rng.randint(1, 3)):
        d.text("origin", f"https://{rng.choice(WORDS)}.contoso.com")
    d.close("allowed-origins")
    d.open("allowed-methods")
    for m in rng.sample(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"], rng.randint(2, 4)):
        d.text("method", m)
    d.close("allowed-methods")
    d.open("allowed-headers")
    d.text("header", "*")
    d.close("allowed-headers")
    d.close("cors")


def choose(d, rng, branches=None):
    d.open("choose")
    for _ in range(branches or rng.randint(1, 3)):
        d.open("when", ("condition", attr_expr(rng)))
        r = rng.random()
        if r < 0.4:
            d.open("return-response")
            d.empty("set-status", ("code", rng.choice(["400", "401", "403", "404", "429"])),
                    ("reason", rng.choice(["Bad Request", "Unauthorized", "Forbidden", "Not Found"])))
            d.close("return-response")
        elif r < 0.7:
            d.empty("set-variable", ("name", f"{rng.choice(WORDS)}-flag"), ("value", attr_expr(rng)))
        else:
            d.empty("set-backend-service", ("backend-id", f"{rng.choice(WORDS)}-{rng.choice(REGIONS)}"))
        d.close("when")
    if rng.random() < 0.5:
        d.open("otherwise")
        d.empty("set-variable", ("name", "fallback"), ("value", "true"))
        d.close("otherwise")
    d.close("choose")


def inbound(d, rng, api, kind, key):
    d.open("inbound")
    d.empty("base")
    if rng.random() < 0.3:
        d.comment(f"{rng.choice(WORDS)} policy, managed by APIOps")
    steps = []
    if kind != "product":
        if rng.random() < 0.7:
            steps.append(lambda: d.empty("set-backend-service", ("backend-id", f"{api}-func")) if rng.random() < 0.6
                         else d.empty("set-backend-service", ("base-url", f"https://{api}-func.azurewebsites.net/api")))
    if rng.random() < 0.4:
        steps.append(lambda: d.empty("rate-limit-by-key", ("calls", str(rng.choice([10, 100, 1000]))),
                                     ("renewal-period", "60"), ("counter-key", text_expr(rng))))
    if rng.random() < 0.3:
        steps.append(lambda: d.empty("rate-limit", ("calls", str(rng.choice([5, 20, 50]))), ("renewal-period", "90")))
    if rng.random() < 0.25:
        steps.append(lambda: cors(d, rng))
    if rng.random() < 0.5:
        steps.append(lambda: choose(d, rng))
    if rng.random() < 0.5:
        steps.append(lambda: d.empty("set-variable", ("name", f"{rng.choice(WORDS)}-id"), ("value", attr_expr(rng))))
    if rng.random() < 0.5:
        steps.append(lambda: set_header(d, rng))
    if rng.random() < 0.2:
        def jwt():
            d.open("validate-jwt", ("header-name", "Authorization"), ("failed-validation-httpcode", "401"))
            d.empty("openid-config", ("url", "https://login.microsoftonline.com/{{tenant-id}}/v2.0/.well-known/openid-configuration"))
            d.open("audiences")
            d.text("audience", "api://" + api)
            d.close("audiences")
            d.close("validate-jwt")
        steps.append(jwt)
    if rng.random() < 0.15:
        steps.append(lambda: d.empty("include-fragment", ("fragment-id", f"{rng.choice(WORDS)}-headers")))
    if rng.random() < 0.2:
        steps.append(lambda: d.empty("rewrite-uri", ("template", f"/api/{api}/{{id}}")))
    if rng.random() < 0.15:
        def cache():
            d.empty("cache-lookup-value", ("key", text_expr(rng)), ("variable-name", "cached"))
        steps.append(cache)
    if rng.random() < 0.1:
        def send():
            d.open("send-request", ("mode", "new"), ("response-variable-name", "lookup"), ("timeout", "20"))
            d.text("set-url", f"https://{rng.choice(WORDS)}.contoso.com/lookup")
            d.text("set-method", "GET")
            set_header(d, rng)
            d.close("send-request")
        steps.append(send)
    if kind == "product" and rng.random() < 0.7:
        steps.append(lambda: d.empty("quota", ("calls", "10000"), ("renewal-period", "604800")))
    if key:
        pos = rng.randint(0, len(steps))
        steps.insert(pos, lambda: key_injection(d, rng, api))
    for s in steps:
        s()
    d.close("inbound")


def backend(d, rng):
    d.open("backend")
    r = rng.random()
    if r < 0.75:
        d.empty("base")
    elif r < 0.9:
        d.empty("forward-request", ("timeout", str(rng.choice([30, 60, 120]))))
    else:
        d.open("retry", ("condition", attr_expr(rng)), ("count", "3"), ("interval", "1"))
        d.empty("forward-request", ("buffer-request-body", "true"))
        d.close("retry")
    d.close("backend")


def outbound(d, rng):
    d.open("outbound")
    d.empty("base")
    if rng.random() < 0.3:
        set_header(d, rng)
    if rng.random() < 0.2:
        d.text("set-body", body_expr(rng, rng.randint(1, 6)))
    if rng.random() < 0.1:
        d.empty("cache-store-value", ("key", text_expr(rng)), ("value", text_expr(rng)), ("duration", "300"))
    d.close("outbound")


def on_error(d, rng):
    d.open("on-error")
    d.empty("base")
    if rng.random() < 0.3:
        choose(d, rng, 1)
    d.close("on-error")


def render(doc, rng, crlf, decl, bom):
    text = ("\r\n" if crlf else "\n").join(doc.lines) + ("\r\n" if crlf else "\n")
    if decl:
        text = '<?xml version="1.0" encoding="utf-8"?>' + ("\r\n" if crlf else "\n") + text
    data = text.encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    return data


def policy_file(i, kind, api, variant):
    rng = random.Random(1_000_003 * i + 17)
    # Draw every random number whatever the variant, so both variants get the same shapes.
    raw_pick = rng.random() < 0.5
    key_pick = rng.random() < 0.2
    raw = variant == "raw" and raw_pick
    key = kind != "product" and key_pick
    r = rng.random()
    indent = "    " if r < 0.6 else ("  " if r < 0.85 else "\t")
    crlf = rng.random() < 0.1
    decl = rng.random() < 0.15
    bom_pick = rng.random() < 0.3
    bom = decl and bom_pick
    d = Doc(indent, raw)
    if kind == "fragment":
        d.open("fragment")
        for _ in range(rng.randint(1, 3)):
            set_header(d, rng)
        if key:
            key_injection(d, rng, api)
        if rng.random() < 0.5:
            choose(d, rng)
        if rng.random() < 0.4:
            d.empty("set-variable", ("name", "fragment-ran"), ("value", attr_expr(rng)))
        d.close("fragment")
    else:
        d.open("policies")
        inbound(d, rng, api, kind, key)
        backend(d, rng)
        outbound(d, rng)
        if rng.random() < 0.8:
            on_error(d, rng)
        d.close("policies")
    if raw and not d.raw_used:
        # Make sure a "raw" file really is not well-formed XML.
        at, depth = (1, 1) if kind == "fragment" else (3, 2)
        d.lines.insert(at, indent * depth + f'<set-variable name="raw" value="@(context.Request.Headers.GetValueOrDefault("x-raw", "") == "1")" />')
        d.raw_used = True
    return render(d, rng, crlf, decl, bom), key, d.raw_used


def layout():
    """Endless sequence of (relative path, kind, api name); deterministic."""
    rng = random.Random(20240501)
    a = 0
    p = 0
    f = 0
    emitted = 0
    while True:
        base = f"{WORDS[a % len(WORDS)]}-{a:05d}"
        api = base + (";rev=2" if rng.random() < 0.05 else "")
        yield f"apis/{api}/policy.xml", "api", base
        emitted += 1
        used = set()
        for _ in range(rng.randint(0, 6)):
            op = f"{rng.choice(VERBS)}-{rng.choice(WORDS)}"
            if op in used:
                continue
            used.add(op)
            yield f"apis/{api}/operations/{op}/policy.xml", "operation", base
            emitted += 1
        a += 1
        while p * 30 < emitted:
            yield f"products/{WORDS[p % len(WORDS)]}-product-{p:04d}/policy.xml", "product", f"product{p}"
            p += 1
        while f * 45 < emitted:
            yield f"policy fragments/{WORDS[f % len(WORDS)]}-fragment-{f:04d}/policy.xml", "fragment", f"fragment{f}"
            f += 1


def embed(i, policy, rel):
    """The policy inside a Bicep module (even i) or an ARM template (odd i), and its path."""
    folder = os.path.dirname(rel)
    text = policy.decode("utf-8-sig")
    if i % 2 == 0:
        if i % 4 == 2 or "\'\'\'" in text:
            escaped = (text.replace("\\", "\\\\").replace("'", "\\'").replace("\r", "\\r")
                       .replace("\n", "\\n").replace("\t", "\\t"))
            value = "'" + escaped + "'"
        else:
            value = "\'\'\'\n" + text + "\'\'\'"
        module = ("param apimName string\n\n"
                  f"resource policy{i} 'Microsoft.ApiManagement/service/apis/policies@2023-05-01-preview' = {{\n"
                  f"  name: '${{apimName}}/api{i}/policy'\n  properties: {{\n    format: 'rawxml'\n"
                  f"    value: {value}\n  }}\n}}\n")
        return module.encode("utf-8"), os.path.join(folder, "policy.bicep")
    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": [{
            "type": "Microsoft.ApiManagement/service/apis/policies",
            "apiVersion": "2023-05-01-preview",
            "name": f"[concat(parameters('apimName'), '/api{i}/policy')]",
            "properties": {"format": "rawxml", "value": text},
        }],
    }
    return (json.dumps(template, indent=2) + "\n").encode("utf-8"), os.path.join(folder, "azuredeploy.json")


def embed_terraform(i, policy, rel):
    """The policy in a Terraform heredoc of an azurerm_api_management_api_policy, and its path."""
    text = policy.decode("utf-8-sig").replace("\r\n", "\n")
    if not text.endswith("\n"):
        text += "\n"
    module = (f'resource "azurerm_api_management_api_policy" "policy{i}" {{\n'
              f'  api_name            = "api{i}"\n'
              '  api_management_name = var.apim_name\n'
              '  resource_group_name = var.resource_group_name\n\n'
              f'  xml_content = <<XML\n{text}XML\n}}\n')
    return module.encode("utf-8"), os.path.join(os.path.dirname(rel), "policy.tf")


def identifier(text):
    """A Terraform block label or address part made of `text`."""
    return "".join(c if c.isalnum() else "_" for c in text)


def terraform_layout(i, kind, api, policy, rel, state):
    """The wf policy `policy` applied by Terraform: [(relative path, bytes)] to write.

    `state` carries what later items refer to: for each API, the address of its name."""
    text = policy.decode("utf-8-sig").replace("\r\n", "\n")
    if not text.endswith("\n"):
        text += "\n"
    folder = os.path.dirname(rel)
    common = '  api_management_name = var.apim_name\n  resource_group_name = var.resource_group_name\n'
    if kind == "api":
        ident = identifier(api)
        reader = "file" if i % 2 == 0 else "templatefile"
        args = "" if reader == "file" else ", { environment = var.environment }"
        if i % 3 == 2:
            state[api] = f"module.{ident}.name"
            tf = (f'module "{ident}" {{\n  source      = "../../modules/api"\n  name        = "{api}"\n'
                  f'  path        = "{api}"\n  service_url = "https://{api}-func.azurewebsites.net/api"\n'
                  f'  product_ids = ["{WORDS[i % len(WORDS)]}-product"]\n'
                  f'  xml_content = {reader}("${{path.module}}/policy.xml"{args})\n}}\n')
        else:
            state[api] = f"azurerm_api_management_api.{ident}.name"
            tf = (f'resource "azurerm_api_management_api" "{ident}" {{\n  name                = "{api}"\n{common}'
                  f'  revision            = "1"\n  path                = "{api}"\n  protocols           = ["https"]\n}}\n\n'
                  f'resource "azurerm_api_management_api_policy" "{ident}" {{\n'
                  f'  api_name            = azurerm_api_management_api.{ident}.name\n{common}'
                  f'  xml_content         = {reader}("${{path.module}}/policy.xml"{args})\n}}\n')
        return [(os.path.join(folder, "policy.xml"), text.encode()), (os.path.join(folder, "main.tf"), tf.encode())]
    if kind == "operation":
        op = os.path.basename(folder)
        api_folder = os.path.dirname(os.path.dirname(folder))
        ident = identifier(op)
        head = (f'resource "azurerm_api_management_api_operation_policy" "{ident}" {{\n'
                f'  api_name            = {state.get(api, chr(34) + api + chr(34))}\n{common}'
                f'  operation_id        = "{op}"\n')
        if i % 2 == 0:
            tf = head + f'  xml_content         = <<XML\n{text}XML\n}}\n'
            return [(os.path.join(api_folder, f"operation-{op}.tf"), tf.encode())]
        tf = head + f'  xml_content         = file("${{path.module}}/operations/{op}.xml")\n}}\n'
        return [(os.path.join(api_folder, "operations", f"{op}.xml"), text.encode()),
                (os.path.join(api_folder, f"operation-{op}.tf"), tf.encode())]
    if kind == "product":
        name = os.path.basename(folder)
        ident = identifier(name)
        apis = [a for a in state if not a.startswith("product")][-3:]
        if i % 2 == 0:
            tf = (f'module "{ident}" {{\n  source     = "../../modules/product"\n  product_id = "{name}"\n'
                  f'  policy_xml = file("${{path.module}}/policy.xml")\n}}\n')
            product = f"module.{ident}.product_id"
        else:
            tf = (f'resource "azurerm_api_management_product" "{ident}" {{\n  product_id          = "{name}"\n'
                  f'  display_name        = "{name}"\n{common}}}\n\n'
                  f'resource "azurerm_api_management_product_policy" "{ident}" {{\n'
                  f'  product_id          = azurerm_api_management_product.{ident}.product_id\n{common}'
                  f'  xml_content         = file("${{path.module}}/policy.xml")\n}}\n')
            product = f"azurerm_api_management_product.{ident}.product_id"
        for a in apis:
            tf += (f'\nresource "azurerm_api_management_product_api" "{ident}_{identifier(a)}" {{\n'
                   f'  product_id          = {product}\n  api_name            = "{a}"\n{common}}}\n')
        return [(os.path.join(folder, "policy.xml"), text.encode()), (os.path.join(folder, "main.tf"), tf.encode())]
    # A fragment: the first ones get the ids the policies include.
    number = int(api[len("fragment"):])
    name = f"{WORDS[number]}-headers" if number < len(WORDS) else os.path.basename(folder)
    tf = (f'resource "azurerm_api_management_policy_fragment" "{identifier(name)}" {{\n'
          f'  api_management_id = var.apim_id\n  name              = "{name}"\n  format            = "xml"\n'
          f'  value             = file("${{path.module}}/fragment.xml")\n}}\n')
    return [(os.path.join(folder, "fragment.xml"), text.encode()), (os.path.join(folder, "main.tf"), tf.encode())]


def first_apis(count):
    """The names of the first `count` APIs of the layout."""
    names = []
    for _, kind, api in layout():
        if kind == "api":
            names.append(api)
            if len(names) == count:
                return names


def make_apps(out, count):
    out = os.path.abspath(out)
    stamp = f"v{GENERATOR_VERSION} apps count={count}"
    stamp_file = out + ".stamp"
    if os.path.isdir(out) and os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        print(f"{out}: up to date ({count} Functions projects)", file=sys.stderr)
        return
    if os.path.exists(out):
        shutil.rmtree(out)
    files = code = 0

    def write(rel, text):
        nonlocal files
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(text)
        files += 1

    infra = []
    for n, api in enumerate(first_apis(count)):
        rng = random.Random(7_000_001 * n + 3)
        app = f"{api}-func"
        root = f"apps/{app}"
        write(f"{root}/host.json", '{ "version": "2.0" }\n')
        for t in range(25 if n % 2 == 0 else 8):
            level = "function" if rng.random() < 1 / 3 else "anonymous"
            verb = rng.choice(VERBS)
            word = rng.choice(WORDS)
            if n % 2 == 0:
                handler = f"{verb}{word.capitalize()}{t}"
                body = "".join(f"  const {word}{k} = request.query.get(\"{word}{k}\") ?? \"\";\n" for k in range(60))
                write(f"{root}/src/functions/{handler}.ts",
                      'import { app, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";\n\n'
                      f"export async function {handler}(request: HttpRequest, context: InvocationContext)"
                      ": Promise<HttpResponseInit> {\n" + body + "  return { jsonBody: [] };\n}\n\n"
                      f'app.http("{handler}", {{ methods: ["{verb.upper()}"], authLevel: "{level}", '
                      f'route: "{word}/{t}", handler: {handler} }});\n')
                write(f"{root}/dist/src/functions/{handler}.js", f"// compiled {handler}\n")
            else:
                write(f"{root}/{verb.capitalize()}{word.capitalize()}{t}/function.json",
                      '{\n  "bindings": [\n    {\n      "type": "httpTrigger",\n      "direction": "in",\n'
                      f'      "name": "req",\n      "authLevel": "{level}",\n      "methods": ["{verb}"],\n'
                      f'      "route": "{word}/{t}"\n    }},\n    {{ "type": "http", "direction": "out", "name": "res" }}\n'
                      "  ]\n}\n")
                write(f"{root}/{verb.capitalize()}{word.capitalize()}{t}/index.js", "module.exports = async function () {};\n")
            code += 1
        if n % 2 == 0:
            write(f"{root}/tsconfig.json", '{ "compilerOptions": { "outDir": "dist" } }\n')
            for m in range(100):
                write(f"{root}/node_modules/pkg{m % 10}/lib/file{m}.js", f"module.exports = {m};\n")
        ident = identifier(app)
        infra.append(
            f'resource "azurerm_linux_function_app" "{ident}" {{\n  name                = "{app}"\n'
            '  location            = "westeurope"\n  resource_group_name = "rg-functions"\n'
            '  service_plan_id     = "plan-id"\n\n  auth_settings_v2 {\n    require_authentication = true\n'
            '    unauthenticated_action = "Return401"\n\n    active_directory_v2 {\n'
            f'      client_id            = "{n:08d}-0000-4000-8000-000000000000"\n'
            '      tenant_auth_endpoint = "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0"\n'
            f'      allowed_audiences    = ["api://{app}"]\n    }}\n    login {{}}\n  }}\n\n  site_config {{}}\n}}\n\n'
            f'resource "azurerm_api_management_backend" "{ident}" {{\n  name                = "{app}"\n'
            '  resource_group_name = "rg-apim"\n  api_management_name = "contoso-apim"\n  protocol            = "http"\n'
            f'  url                 = "https://{app}.azurewebsites.net/api"\n}}\n')
    write("infra/apps.tf", "\n".join(infra))
    with open(out + ".stats", "w") as fh:
        json.dump({"projects": count, "files": files, "trigger_files": code}, fh)
    with open(stamp_file, "w") as fh:
        fh.write(stamp)
    print(f"{out}: {count} Functions projects, {files} files, {code} with a trigger", file=sys.stderr)


def make_tree(out, count, variant):
    out = os.path.abspath(out)
    stamp = f"v{GENERATOR_VERSION} count={count} variant={variant}"
    stamp_file = out + ".stamp"
    if os.path.isdir(out) and os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        print(f"{out}: up to date ({count} files, {variant})", file=sys.stderr)
        return
    if os.path.exists(out):
        shutil.rmtree(out)
    paths = []
    keys = raws = total = 0
    first_key = first_clean = None
    state = {}
    for i, (rel, kind, api) in enumerate(layout()):
        if i >= count:
            break
        data, key, raw = policy_file(i, kind, api, "wf" if variant in ("iac", "tf", "tfl") else variant)
        if variant == "iac":
            data, rel = embed(i, data, rel)
        elif variant == "tf":
            data, rel = embed_terraform(i, data, rel)
        written = terraform_layout(i, kind, api, data, rel, state) if variant == "tfl" else [(rel, data)]
        for rel, data in written:
            path = os.path.join(out, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as fh:
                fh.write(data)
            total += len(data)
        path = os.path.join(out, written[0][0])
        paths.append(path)
        if key and first_key is None and kind == "operation":
            first_key = path
        if not key and first_clean is None and kind == "operation":
            first_clean = path
        keys += key
        raws += raw
    with open(out + ".files", "w") as fh:
        fh.write("".join(p + "\n" for p in paths))
    with open(out + ".files0", "w") as fh:
        fh.write("".join(p + "\0" for p in paths))
    stats = {"files": len(paths), "bytes": total, "key_files": keys, "raw_files": raws, "variant": variant,
             "first_key_file": first_key, "first_clean_file": first_clean}
    with open(out + ".stats", "w") as fh:
        json.dump(stats, fh)
    with open(stamp_file, "w") as fh:
        fh.write(stamp)
    print(f"{out}: {len(paths)} files, {total / 1e6:.1f} MB, {keys} with a key injection, "
          f"{raws} with raw expressions", file=sys.stderr)


def make_big(out, size):
    out = os.path.abspath(out)
    stamp = f"v{GENERATOR_VERSION} size={size}"
    stamp_file = out + ".stamp"
    if os.path.exists(out) and os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        print(f"{out}: up to date", file=sys.stderr)
        return
    rng = random.Random(424242)
    d = Doc("    ", raw=False)
    d.open("policies")
    d.open("inbound")
    d.empty("base")
    d.empty("set-backend-service", ("backend-id", "monolith-func"))
    approx = 0
    n = 0
    keys = 0
    body_budget = size // 10
    while approx < size - body_budget:
        start = len(d.lines)
        d.open("choose")
        for _ in range(rng.randint(2, 5)):
            d.open("when", ("condition", attr_expr(rng)))
            d.empty("set-variable", ("name", f"{rng.choice(WORDS)}-{n}"), ("value", attr_expr(rng)))
            set_header(d, rng)
            if n % 97 == 0:
                key_injection(d, rng, f"branch{n}")
                keys += 1
            if rng.random() < 0.5:
                d.empty("rewrite-uri", ("template", f"/api/{rng.choice(WORDS)}/{n}"))
            else:
                d.empty("set-backend-service", ("backend-id", f"{rng.choice(WORDS)}-{rng.choice(REGIONS)}"))
            d.close("when")
            n += 1
        d.open("otherwise")
        d.empty("set-variable", ("name", "fallback"), ("value", "true"))
        d.close("otherwise")
        d.close("choose")
        approx += sum(len(l) + 1 for l in d.lines[start:])
    d.close("inbound")
    d.open("backend")
    d.empty("base")
    d.close("backend")
    d.open("outbound")
    d.empty("base")
    lines = max(1, body_budget // 150)
    d.text("set-body", body_expr(rng, lines))
    d.close("outbound")
    d.close("policies")
    data = render(d, rng, False, True, False)
    with open(out, "wb") as fh:
        fh.write(data)
    with open(out + ".stats", "w") as fh:
        json.dump({"bytes": len(data), "when_branches": n, "key_injections": keys}, fh)
    with open(stamp_file, "w") as fh:
        fh.write(stamp)
    print(f"{out}: {len(data) / 1e6:.1f} MB, {n} <when> branches, {keys} key injections", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("tree")
    t.add_argument("--out", required=True)
    t.add_argument("--count", type=int, required=True)
    t.add_argument("--variant", choices=["raw", "wf", "iac", "tf", "tfl"], required=True)
    a = sub.add_parser("apps")
    a.add_argument("--out", required=True)
    a.add_argument("--count", type=int, required=True)
    b = sub.add_parser("big")
    b.add_argument("--out", required=True)
    b.add_argument("--size", type=int, default=20 * 1024 * 1024)
    args = ap.parse_args()
    if args.cmd == "tree":
        make_tree(args.out, args.count, args.variant)
    elif args.cmd == "apps":
        make_apps(args.out, args.count)
    else:
        make_big(args.out, args.size)


if __name__ == "__main__":
    main()
