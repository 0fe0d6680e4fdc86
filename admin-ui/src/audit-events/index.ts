import AuditEventIcon from '@mui/icons-material/FactCheck';
import { AuditEventList } from './AuditEventList';

// List only: audit events are written by the server, never edited.
export default {
  list: AuditEventList,
  icon: AuditEventIcon,
};
