// Placeholder until the admin API lands: every route answers 404 in the OpenAI error shape.
import type { APIGatewayProxyHandler } from 'aws-lambda';

export const handler: APIGatewayProxyHandler = async () => ({
  statusCode: 404,
  headers: { 'content-type': 'application/json' },
  body: '{"error":{"message":"not found","type":"invalid_request_error","param":null,"code":null}}',
});
