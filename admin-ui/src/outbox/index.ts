import OutboxIcon from '@mui/icons-material/OutboxOutlined';
import { OutboxList } from './OutboxList';

export default {
  list: OutboxList,
  icon: OutboxIcon,
};
