import CheckIcon from '@mui/icons-material/CheckCircleOutlined';
import CloseIcon from '@mui/icons-material/CancelOutlined';
import { Alert, Box, Chip, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import { Panel } from '../../layout/Panel';
import { useFormatDateTime } from '../../layout/useFormatDateTime';
import type { SecurityQuestionsChecked } from '../case-types';

const MAX_ATTEMPTS = 3;

const Matched = ({ matched }: { matched: boolean }) => {
  const translate = useTranslate();
  const label = translate(matched ? 'resources.cases.evidence.matched' : 'resources.cases.evidence.not_matched');
  return matched ? (
    <CheckIcon color="success" fontSize="small" aria-label={label} titleAccess={label} />
  ) : (
    <CloseIcon color="error" fontSize="small" aria-label={label} titleAccess={label} />
  );
};

/**
 * Security answers: the user's answers are compared with hashes and never
 * kept, so the panel shows what the system checked, per attempt and question.
 */
export const SecurityQuestionsPanel = ({ checked }: { checked: SecurityQuestionsChecked | null }) => {
  const translate = useTranslate();
  const formatDateTime = useFormatDateTime();
  const t = (key: string, options?: Record<string, unknown>) => translate(`resources.cases.evidence.questions.${key}`, options);
  const title = translate('resources.cases.methods.security_questions');
  if (!checked || checked.attempts.length === 0) {
    return (
      <Panel title={title}>
        <Typography variant="body2">{t('no_attempt')}</Typography>
      </Panel>
    );
  }
  const allMatched = checked.bestMatched === checked.total;
  return (
    <Panel
      title={title}
      action={
        <Chip
          size="small"
          color={allMatched ? 'success' : checked.bestMatched >= checked.total - 1 ? 'warning' : 'error'}
          label={t('best', { matched: checked.bestMatched, total: checked.total })}
        />
      }
    >
      <Box sx={{ overflowX: 'auto' }}>
        <Table size="small" aria-label={title}>
          <TableHead>
            <TableRow>
              <TableCell>{t('question')}</TableCell>
              {checked.attempts.map((attempt, index) => (
                <TableCell key={attempt.at} align="center">
                  {t('attempt', { n: index + 1 })}
                  <Typography variant="caption" component="div" color="text.secondary">
                    {formatDateTime(attempt.at, { dateStyle: 'short', timeStyle: 'short' })}
                  </Typography>
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {checked.prompts.map((prompt, question) => (
              <TableRow key={question}>
                <TableCell component="th" scope="row">
                  {prompt}
                </TableCell>
                {checked.attempts.map((attempt) => (
                  <TableCell key={attempt.at} align="center">
                    <Matched matched={Boolean(attempt.matched[question])} />
                  </TableCell>
                ))}
              </TableRow>
            ))}
            <TableRow>
              <TableCell component="th" scope="row" sx={{ fontWeight: 600 }}>
                {t('result')}
              </TableCell>
              {checked.attempts.map((attempt) => (
                <TableCell key={attempt.at} align="center" sx={{ fontWeight: 600, whiteSpace: 'nowrap' }}>
                  {t('answers_matched', {
                    matched: attempt.matched.filter(Boolean).length,
                    total: attempt.matched.length,
                  })}
                </TableCell>
              ))}
            </TableRow>
          </TableBody>
        </Table>
      </Box>
      <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
        {t('attempts_used', { used: checked.attempts.length, max: MAX_ATTEMPTS })}
      </Typography>
      <Alert severity="info" variant="outlined" sx={{ mt: 1, py: 0 }}>
        {t('weak_evidence')}
      </Alert>
    </Panel>
  );
};
