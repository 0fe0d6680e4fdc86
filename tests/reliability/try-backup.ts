import { runBackupUnderLoad, formatBackup } from './backup.ts';
const f = await runBackupUnderLoad({ cases: Number(process.env.CASES ?? 1_000_000), perSecond: 60, compareOldApi: true, log: console.log });
console.log(formatBackup(f));
process.exit(0);
