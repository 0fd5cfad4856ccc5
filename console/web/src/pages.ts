/**
 * The console's pages: the app routes them (main.tsx) and the server answers each with the app
 * (console/static.ts). Plain data, no DOM: both sides import it.
 */
export const PAGES = {
  home: '/',
  agent: '/agent/:agentId',
  supervisor: '/supervisor',
  qaList: '/qa',
  qaCall: '/qa/calls/:callId',
  qaReports: '/qa/reports',
  qaCalibration: '/qa/calibration',
} as const;
