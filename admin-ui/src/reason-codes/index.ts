import ReasonCodeIcon from '@mui/icons-material/LabelOutlined';
import { ReasonCodeCreate } from './ReasonCodeCreate';
import { ReasonCodeEdit } from './ReasonCodeEdit';
import { ReasonCodeList } from './ReasonCodeList';

export default {
  list: ReasonCodeList,
  create: ReasonCodeCreate,
  edit: ReasonCodeEdit,
  icon: ReasonCodeIcon,
  recordRepresentation: 'label',
};
