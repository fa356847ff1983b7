import PolicyRewrite
import Testing

/// Function code: each language's trigger declarations, the level each has (written or the
/// language's default), and what is not a trigger (comments, other calls).
@Suite struct HTTPTriggerScannerTests {
  func scan(_ path: String, _ text: String) -> [HTTPTrigger] {
    HTTPTriggerScanner.triggers(in: Array(text.utf8), path: path)
  }

  func summary(_ triggers: [HTTPTrigger]) -> [String] {
    triggers.map { "\($0.function):\($0.authLevel.rawValue)\($0.isDefault ? "(default)" : ""):\($0.line)" }
  }

  @Test func functionJSONWithoutAuthLevelIsFunctionLevelByDefault() {
    let json = """
      {
        "bindings": [
          { "type": "httpTrigger", "direction": "in", "name": "req", "methods": ["get"] },
          { "type": "http", "direction": "out", "name": "res" }
        ]
      }
      """
    #expect(summary(scan("apps/orders/GetOrder/function.json", json)) == ["GetOrder:function(default):3"])
    let anonymous = json.replacing(#""name": "req","#, with: #""authLevel": "Anonymous", "name": "req","#)
    #expect(summary(scan("GetOrder/function.json", anonymous)) == ["GetOrder:anonymous:3"])
    #expect(scan("GetOrder/function.json", #"{"bindings": [{"type": "queueTrigger"}]}"#).isEmpty)
    #expect(scan("GetOrder/function.json", "not json").isEmpty)
  }

  @Test func nodeV4AppHttpDefaultsToAnonymous() {
    let code = """
      import { app } from "@azure/functions";
      // app.http("commented", { authLevel: "function", handler });
      app.http("getOrder", { methods: ["GET"], handler: getOrder });
      app.http('createOrder', {
        methods: ['POST'],
        authLevel: 'function',
        handler: createOrder,
      });
      app.get("health", async () => ({ body: "ok" }));
      app.post(`admin`, { authLevel: "admin", handler });
      app.http("fromSetting", { authLevel: level, handler });
      """
    #expect(
      summary(scan("src/functions/orders.ts", code)) == [
        "getOrder:anonymous(default):3", "createOrder:function:4", "health:anonymous(default):9", "admin:admin:10",
        "fromSetting:unknown:11",
      ])
    #expect(scan("src/functions/orders.ts", code).last?.written == "level")
    #expect(scan("src/index.js", code).first?.language == .javaScript)
  }

  @Test func cSharpAttributesInProcessAndIsolated() {
    let inProcess = """
      using Microsoft.Azure.WebJobs;
      public static class Orders {
          [FunctionName("GetOrder")]
          public static IActionResult Run([HttpTrigger(AuthorizationLevel.Function, "get", Route = "orders/{id}")] HttpRequest req) => null;

          [FunctionName("Health")]
          public static IActionResult Health([HttpTrigger("get")] HttpRequest req) => null;

          /* [FunctionName("Old")] [HttpTrigger(AuthorizationLevel.Admin)] */
          [FunctionName("Open")]
          public static IActionResult Open([HttpTrigger(AuthLevel = AuthorizationLevel.Anonymous)] HttpRequest req) => null;
      }
      """
    #expect(
      summary(scan("Orders.cs", inProcess)) == [
        "GetOrder:function:4", "Health:function(default):7", "Open:anonymous:11",
      ])
    let isolated = """
      using Microsoft.Azure.Functions.Worker;
      public class Orders {
          [Function(nameof(GetOrder))]
          public HttpResponseData GetOrder([HttpTrigger("get")] HttpRequestData req) => null;
          [Function("Create")]
          public HttpResponseData Create([HttpTrigger] HttpRequestData req) => null;
          [Function("Admin")]
          public HttpResponseData Admin([HttpTrigger(AuthorizationLevel.Admin, "post")] HttpRequestData req) => null;
      }
      """
    // The isolated worker's HttpTriggerAttribute(params string[]) leaves the level at Anonymous;
    // the parameterless constructor sets Function.
    #expect(
      summary(scan("Orders.cs", isolated)) == [
        "GetOrder:anonymous(default):4", "Create:function(default):6", "Admin:admin:8",
      ])
  }

  @Test func pythonRoutesInheritTheAppLevel() {
    let code = """
      import azure.functions as func
      app = func.FunctionApp()  # http_auth_level=func.AuthLevel.ANONYMOUS in a comment

      @app.route(route="orders")
      def get_orders(req: func.HttpRequest) -> func.HttpResponse: ...

      @app.function_name(name="CreateOrder")
      @app.route(route="orders", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
      def create(req): ...
      """
    #expect(summary(scan("function_app.py", code)) == ["get_orders:function(default):4", "CreateOrder:anonymous:8"])
    let anonymousApp = code.replacing(
      "func.FunctionApp()", with: "func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)")
    #expect(summary(scan("function_app.py", anonymousApp)) == ["get_orders:anonymous:4", "CreateOrder:anonymous:8"])
  }

  @Test func javaAnnotationDefaultsToFunction() {
    let code = """
      public class Function {
          @FunctionName("hello")
          public HttpResponseMessage run(
              @HttpTrigger(name = "req", methods = {HttpMethod.GET}) HttpRequestMessage<String> request) { return null; }
          @FunctionName("open")
          public HttpResponseMessage open(
              @HttpTrigger(name = "req", authLevel = AuthorizationLevel.ANONYMOUS) HttpRequestMessage<String> r) { return null; }
      }
      """
    #expect(summary(scan("src/main/java/Function.java", code)) == ["hello:function(default):4", "open:anonymous:7"])
  }

  @Test func requiresKeyForFunctionAndAdminOnly() {
    let levels: [HTTPTrigger.AuthLevel] = [.anonymous, .function, .admin, .unknown]
    #expect(
      levels.map { HTTPTrigger(function: "f", authLevel: $0, isDefault: false, line: 1, language: .java).requiresKey }
        == [false, true, true, false])
    #expect(HTTPTriggerScanner.language(ofPath: "policy.xml") == nil)
  }
}
