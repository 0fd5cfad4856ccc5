import { messages } from './i18n';

/** Words every view shares: severities, channels, risk levels, call states. */
export const common = messages({
  zh: {
    critical: '严重', warning: '警告', info: '提示',
    customer: '客户', agent: '坐席', both: '双方',
    riskhigh: '高风险', riskmedium: '中风险', risklow: '低风险', risknone: '无风险',
    live: '通话中', ended: '已结束', raised: '新', updated: '更新', resolved: '已解除',
    occurrences: '×{n}', loading: '加载中…', retry: '重试',
    connOpen: '实时连接', connConnecting: '连接中…', connClosed: '连接断开，重连中…',
  },
  en: {
    critical: 'Critical', warning: 'Warning', info: 'Info',
    customer: 'Customer', agent: 'Agent', both: 'Both',
    riskhigh: 'High risk', riskmedium: 'Medium risk', risklow: 'Low risk', risknone: 'No risk',
    live: 'Live', ended: 'Ended', raised: 'New', updated: 'Updated', resolved: 'Resolved',
    occurrences: '×{n}', loading: 'Loading…', retry: 'Retry',
    connOpen: 'Live', connConnecting: 'Connecting…', connClosed: 'Disconnected, reconnecting…',
  },
});
export type CommonKey = keyof (typeof common)['zh'];
