// GET /admin/api/stats: server/cases/stats.ts.
export interface QueueStats {
  generatedAt: string;
  queueDepth: { status: string; riskBand: 'low' | 'medium' | 'high' | null; count: number }[];
  openTotal: number;
  slaBreached: number;
  slaAtRisk: number;
  myOpenCases: number;
  awaitingSecondApproval: number;
  decisionsLast30Days: number;
  medianTimeToDecisionHours: number | null;
  approvalRateByMethod: { method: string; approved: number; total: number; rate: number | null }[];
  approvalRateByAgent: { staffId: number; name: string; approved: number; total: number; rate: number | null }[];
  decisionsByDay: { day: string; method: string; approved: number; rejected: number }[];
}
