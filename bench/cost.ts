// Cost per million requests from measured figures: Lambda compute for the gateway's own billed time at
// the configured memory, Lambda requests, DynamoDB request units, and the function's log volume.

import { PRICES, STATED_UPSTREAM_MS } from './config';

const READS = /^dynamodb\.(Get|Query|Scan|BatchGet|TransactGet)/;
const WRITES = /^dynamodb\.(Put|Update|Delete|BatchWrite|TransactWrite)/;

export interface CostInput {
  memoryMb: number;
  /** Mean billed time per invocation that is the gateway's own (upstream wait excluded), ms. */
  gatewayMs: number;
  /** DynamoDB commands per request, by label (dynamodb.<Command>). */
  commandsPerRequest: Record<string, number>;
  logBytesPerRequest: number;
}

export interface CostLine {
  item: string;
  perMillionUsd: number;
  basis: string;
}

export function costPerMillion(input: CostInput): { lines: CostLine[]; totalUsd: number; upstreamExampleUsd: number } {
  const gb = input.memoryMb / 1024;
  let reads = 0;
  let writes = 0;
  for (const [label, n] of Object.entries(input.commandsPerRequest)) {
    // Transactions cost two units per item; each command here is counted as one item of at most 1 KB.
    const units = label.includes('Transact') ? 2 : 1;
    if (READS.test(label)) reads += n * units;
    else if (WRITES.test(label)) writes += n * units;
  }
  const lines: CostLine[] = [
    {
      item: 'Lambda compute (gateway time)',
      perMillionUsd: 1e6 * (input.gatewayMs / 1000) * gb * PRICES.lambdaArmGbSecond,
      basis: `${input.gatewayMs.toFixed(1)} ms x ${input.memoryMb} MB arm64 at $${PRICES.lambdaArmGbSecond}/GB-s`,
    },
    { item: 'Lambda requests', perMillionUsd: PRICES.lambdaPerMillionRequests, basis: '$0.20 per million' },
    { item: 'Function URL', perMillionUsd: PRICES.functionUrlPerMillionRequests, basis: 'no charge beyond Lambda' },
    {
      item: 'DynamoDB writes',
      perMillionUsd: writes * PRICES.dynamoPerMillionWriteUnits,
      basis: `${writes.toFixed(2)} WRU/request (items <= 1 KB) at $${PRICES.dynamoPerMillionWriteUnits}/M`,
    },
    {
      item: 'DynamoDB reads',
      perMillionUsd: reads * PRICES.dynamoPerMillionReadUnits,
      basis: `${reads.toFixed(2)} RRU/request (strongly consistent, <= 4 KB) at $${PRICES.dynamoPerMillionReadUnits}/M`,
    },
    {
      item: 'CloudWatch Logs',
      perMillionUsd: (1e6 * input.logBytesPerRequest * PRICES.logsPerGbIngested) / 1e9,
      basis: `${Math.round(input.logBytesPerRequest)} B/request at $${PRICES.logsPerGbIngested}/GB`,
    },
  ];
  const totalUsd = lines.reduce((a, l) => a + l.perMillionUsd, 0);
  const upstreamExampleUsd = 1e6 * (STATED_UPSTREAM_MS / 1000) * gb * PRICES.lambdaArmGbSecond;
  return { lines, totalUsd, upstreamExampleUsd };
}
