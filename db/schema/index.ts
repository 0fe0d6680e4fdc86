export * from './users.ts';
export * from './factors.ts';
export * from './cases.ts';
export * from './ledger.ts';
export * from './staff.ts';
export * from './audit.ts';
export * from './platform.ts';
export * from './service.ts';
