import { app, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

export async function listOrders(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return { jsonBody: [] };
}

// Easy Auth checks APIM's token before the call reaches the function.
app.http("listOrders", { methods: ["GET"], authLevel: "anonymous", route: "orders", handler: listOrders });
