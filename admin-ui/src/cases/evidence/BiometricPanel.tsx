import { Alert, Chip, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import { FactList, MONOSPACE, Panel } from '../../layout/Panel';
import { useFormatDateTime } from '../../layout/useFormatDateTime';
import type { BiometricChecked } from '../case-types';
import { ScoreBar } from './ScoreBar';

const DEFAULT_THRESHOLDS = { liveness: 0.9, faceMatch: 0.85 };

/** The provider's liveness and face-match scores against the thresholds, matched to the KYC selfie. */
export const BiometricPanel = ({
  checked,
  thresholds = DEFAULT_THRESHOLDS,
}: {
  checked: BiometricChecked | null;
  thresholds?: { liveness: number; faceMatch: number };
}) => {
  const translate = useTranslate();
  const formatDateTime = useFormatDateTime();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.cases.evidence.biometric.${key}`, options);
  const title = translate('resources.cases.methods.biometric');
  if (!checked) {
    return (
      <Panel title={title}>
        <Typography variant="body2">{t('not_started')}</Typography>
      </Panel>
    );
  }
  const completed = checked.status === 'completed';
  const passed = completed && (checked.liveness ?? 0) >= thresholds.liveness && (checked.faceMatch ?? 0) >= thresholds.faceMatch;
  const verdict = (score: number | null | undefined, threshold: number) =>
    translate(score != null && score >= threshold ? 'resources.cases.evidence.passed' : 'resources.cases.evidence.failed');
  return (
    <Panel
      title={title}
      action={
        <Chip
          size="small"
          color={!completed ? 'default' : passed ? 'success' : 'error'}
          label={!completed ? t('pending') : passed ? t('passed') : t('failed')}
        />
      }
    >
      {completed ? (
        <>
          <ScoreBar label={t('liveness')} score={checked.liveness} threshold={thresholds.liveness} verdict={verdict(checked.liveness, thresholds.liveness)} />
          <ScoreBar
            label={t('face_match')}
            score={checked.faceMatch}
            threshold={thresholds.faceMatch}
            verdict={verdict(checked.faceMatch, thresholds.faceMatch)}
          />
        </>
      ) : (
        <Alert severity="info" variant="outlined" sx={{ mb: 1.5 }}>
          {t('waiting')}
        </Alert>
      )}
      <FactList
        facts={[
          [t('decision'), checked.decision ?? '–'],
          [
            t('compared_with'),
            <span key="selfie" style={MONOSPACE}>
              {checked.kycSelfieRef ?? '–'}
            </span>,
          ],
          [t('provider'), checked.provider],
          [
            t('session'),
            <span key="session" style={MONOSPACE}>
              {checked.sessionId}
            </span>,
          ],
          [t('completed_at'), formatDateTime(checked.completedAt)],
        ]}
      />
    </Panel>
  );
};
