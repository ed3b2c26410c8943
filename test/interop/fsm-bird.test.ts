// Our @bgp/fsm Session against bird (the shared suite is in fsm-suite.ts).
import { describeFsmInterop } from './fsm-suite.js';

describeFsmInterop('bird', { md5: true });
