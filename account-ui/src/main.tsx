import { mountAccountPages } from './mount';
import './styles.css';

const root = document.getElementById('root');
if (root) void mountAccountPages(root);
