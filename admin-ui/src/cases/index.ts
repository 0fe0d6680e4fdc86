import CaseIcon from '@mui/icons-material/AssignmentOutlined';
import { CaseList } from './CaseList';
import { CaseShow } from './CaseShow';

// No edit or create: cases are filed by users and changed only by commands.
export default {
  list: CaseList,
  show: CaseShow,
  icon: CaseIcon,
  recordRepresentation: (record: { id: number }) => `#${record.id}`,
};
