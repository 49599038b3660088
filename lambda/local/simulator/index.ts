import { openaiProtocol } from './protocols/openai';
import type { SimProtocol } from './protocol';

/** Every wire protocol the simulator speaks. */
export const SIM_PROTOCOLS: SimProtocol[] = [openaiProtocol];

export { startSimulator } from './server';
export type { Simulator, SimBehaviour, SimFault, SimStats } from './server';
