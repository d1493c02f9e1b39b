import type { Section } from '../document.ts';
import { actionsTaken } from './actions-taken.ts';
import { correctiveMeasures } from './corrective-measures.ts';
import { detection } from './detection.ts';
import { escalation } from './escalation.ts';
import { issueSummary } from './issue-summary.ts';
import { metrics } from './metrics.ts';
import { misleadingPaths } from './misleading-paths.ts';
import { resolution } from './resolution.ts';
import { rootCauseDetail } from './root-cause.ts';
import type { SectionContext } from './section-context.ts';
import { timeline } from './timeline.ts';

/** The postmortem's sections, in the order a reader meets them. */
export const SECTION_BUILDERS: readonly ((ctx: SectionContext) => Section)[] = [
  issueSummary,
  timeline,
  detection,
  actionsTaken,
  misleadingPaths,
  escalation,
  resolution,
  rootCauseDetail,
  correctiveMeasures,
  metrics,
];

/** The section headings, in order (for tests and tables of contents). */
export const SECTION_TITLES = [
  'Issue Summary',
  'Timeline',
  'How it was detected',
  'Actions taken',
  'Misleading investigation paths',
  'Escalation',
  'Resolution',
  'Root cause and resolution in detail',
  'Corrective and preventative measures',
  'Metrics',
] as const;
