import UserIcon from '@mui/icons-material/PeopleOutlined';
import { UserList } from './UserList';
import { UserShow } from './UserShow';

export default {
  list: UserList,
  show: UserShow,
  icon: UserIcon,
  recordRepresentation: (record: { id: number }) => `#${record.id}`,
};
