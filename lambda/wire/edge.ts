// The optional CloudFront front (lib/edge.ts): CloudFront adds this header, holding a secret only it and
// the function know, to every request it forwards; with the front deployed, the function answers 403 to
// any request without it (one sent to the function URL directly) before it reads anything from DynamoDB.
export const ORIGIN_HEADER = 'x-op-origin-verify';
