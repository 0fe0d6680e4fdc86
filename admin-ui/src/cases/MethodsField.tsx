import FaceIcon from '@mui/icons-material/Face';
import QuizIcon from '@mui/icons-material/QuizOutlined';
import ReceiptIcon from '@mui/icons-material/ReceiptLongOutlined';
import { Stack, Tooltip } from '@mui/material';
import type { ComponentType } from 'react';
import { useRecordContext, useTranslate } from 'react-admin';
import type { CaseSummary, EvidenceMethod } from './case-types';

export const METHOD_ICONS: Record<EvidenceMethod, ComponentType<{ fontSize?: 'small' | 'inherit' }>> = {
  security_questions: QuizIcon,
  biometric: FaceIcon,
  transfer_record: ReceiptIcon,
};

/** The evidence methods of a case as icons, each named for screen readers and on hover. */
export const MethodsField = () => {
  const record = useRecordContext<CaseSummary>();
  const translate = useTranslate();
  if (!record) return null;
  if (record.methods.length === 0) return <>–</>;
  return (
    <Stack direction="row" spacing={0.5} component="span">
      {record.methods.map((method) => {
        const Icon = METHOD_ICONS[method];
        const name = translate(`resources.cases.methods.${method}`, { _: method });
        return Icon ? (
          <Tooltip key={method} title={name}>
            <span role="img" aria-label={name} style={{ display: 'inline-flex' }}>
              <Icon fontSize="small" />
            </span>
          </Tooltip>
        ) : (
          <span key={method}>{name}</span>
        );
      })}
    </Stack>
  );
};
