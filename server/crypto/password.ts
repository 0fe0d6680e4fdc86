import { argon2Hash, argon2Verify } from './argon2-pool.ts';

/** argon2id at OWASP's recommended minimum: 19 MiB, 2 iterations, 1 lane. */
// algorithm 2 = Argon2id (the package's const enum cannot be imported under isolatedModules)
const params = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, params);
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await argon2Verify(hashed, password);
  } catch {
    return false;
  }
}

// Verified against when the account does not exist, so an unknown email costs
// the same time as a wrong password (no account enumeration by timing).
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= argon2Hash('rebind-dummy-password-for-timing', params);
  await verifyPassword(await dummyHash, password);
  return false;
}
