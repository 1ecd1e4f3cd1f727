/** Flags for every Node process of the platform (see node-flags.js). */
export declare const NODE_FLAGS: string[];
