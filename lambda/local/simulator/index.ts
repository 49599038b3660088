import { openaiProtocol } from './protocols/openai';
import { openaiResponsesProtocol } from './protocols/openai-responses';
import { anthropicProtocol } from './protocols/anthropic';
import { googleProtocol } from './protocols/google';
import { bedrockProtocol } from './protocols/bedrock';
import type { SimProtocol } from './protocol';

/** Every wire protocol the simulator speaks. */
export const SIM_PROTOCOLS: SimProtocol[] = [openaiResponsesProtocol, openaiProtocol, anthropicProtocol, googleProtocol, bedrockProtocol];

export { startSimulator } from './server';
export type { Simulator, SimBehaviour, SimFault, SimStats } from './server';
