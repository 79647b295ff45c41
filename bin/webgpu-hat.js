#!/usr/bin/env node
// The command line: runs the TypeScript sources through tsx (Node 20 cannot run TypeScript itself).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
