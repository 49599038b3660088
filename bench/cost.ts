// Cost per million requests from measured figures: Lambda compute for the gateway's own billed time at
// the configured memory, Lambda requests, DynamoDB write and read units as DynamoDB counted them (request
// path and usage aggregator), the aggregator's invocations, and the log volume actually written.
import { PRICES, STATED_UPSTREAM_MS } from './config';

export interface CostInput {
  memoryMb: number;
  /** Mean billed time per invocation that is the gateway's own (upstream wait excluded), ms. */
  gatewayMs: number;
  writeUnits: number;
  readUnits: number;
  /** The usage aggregator, per request: its invocations, billed ms, and units. */
  aggregator: { invocations: number; ms: number; writeUnits: number; readUnits: number; memoryMb: number };
  logBytesPerRequest: number;
}

export interface CostLine {
  item: string;
  perMillionUsd: number;
  basis: string;
}

export function costPerMillion(input: CostInput): { lines: CostLine[]; totalUsd: number; upstreamExampleUsd: number } {
  const gb = input.memoryMb / 1024;
  const lines: CostLine[] = [
    {
      item: 'Lambda compute (gateway time)',
      perMillionUsd: 1e6 * (input.gatewayMs / 1000) * gb * PRICES.lambdaArmGbSecond,
      basis: `${input.gatewayMs.toFixed(1)} ms x ${input.memoryMb} MB arm64 at $${PRICES.lambdaArmGbSecond}/GB-s`,
    },
    { item: 'Lambda requests', perMillionUsd: PRICES.lambdaPerMillionRequests, basis: '$0.20 per million' },
    { item: 'Function URL', perMillionUsd: PRICES.functionUrlPerMillionRequests, basis: 'no charge beyond Lambda' },
    {
      item: 'DynamoDB writes (request path)',
      perMillionUsd: input.writeUnits * PRICES.dynamoPerMillionWriteUnits,
      basis: `${input.writeUnits.toFixed(2)} WRU/request, counted (ConsumedCapacity), at $${PRICES.dynamoPerMillionWriteUnits}/M`,
    },
    {
      item: 'DynamoDB reads (request path)',
      perMillionUsd: input.readUnits * PRICES.dynamoPerMillionReadUnits,
      basis: `${input.readUnits.toFixed(3)} RRU/request, counted, at $${PRICES.dynamoPerMillionReadUnits}/M`,
    },
    {
      item: 'Usage aggregator (DynamoDB)',
      perMillionUsd: input.aggregator.writeUnits * PRICES.dynamoPerMillionWriteUnits + input.aggregator.readUnits * PRICES.dynamoPerMillionReadUnits,
      basis: `${input.aggregator.writeUnits.toFixed(3)} WRU + ${input.aggregator.readUnits.toFixed(3)} RRU/request, counted`,
    },
    {
      item: 'Usage aggregator (Lambda)',
      perMillionUsd: 1e6 * input.aggregator.invocations * (PRICES.lambdaPerMillionRequests / 1e6) + 1e6 * (input.aggregator.ms / 1000) * (input.aggregator.memoryMb / 1024) * PRICES.lambdaArmGbSecond,
      basis: `${input.aggregator.invocations.toFixed(3)} invocations and ${input.aggregator.ms.toFixed(2)} ms/request at ${input.aggregator.memoryMb} MB (reading the stream from Lambda is free)`,
    },
    {
      item: 'CloudWatch Logs',
      perMillionUsd: (1e6 * input.logBytesPerRequest * PRICES.logsPerGbIngested) / 1e9,
      basis: `${Math.round(input.logBytesPerRequest)} B/request as written, at $${PRICES.logsPerGbIngested}/GB`,
    },
  ];
  const totalUsd = lines.reduce((a, l) => a + l.perMillionUsd, 0);
  const upstreamExampleUsd = 1e6 * (STATED_UPSTREAM_MS / 1000) * gb * PRICES.lambdaArmGbSecond;
  return { lines, totalUsd, upstreamExampleUsd };
}
