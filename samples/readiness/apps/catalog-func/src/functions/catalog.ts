import { app, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

export async function listProducts(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return { jsonBody: [] };
}

// Easy Auth checks APIM's token before the call reaches the function.
app.http("listProducts", { methods: ["GET"], authLevel: "anonymous", route: "products", handler: listProducts });
