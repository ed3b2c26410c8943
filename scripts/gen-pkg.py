import json, sys, os
pkgs = {
  'wire':   dict(desc='BGP message codecs, stream framing, typed NOTIFICATION errors, RFC 7606 handling and MRT reading (sans-IO).', deps={}, bins={'bgp-decode':'./dist/cli/bgp-decode.js'}, entries={'index':'src/index.ts','cli/bgp-decode':'src/cli/bgp-decode.ts'}),
  'fsm':    dict(desc='The RFC 4271 BGP session state machine over TCP: timers, capability negotiation, collision detection, graceful restart.', deps={'@bgp/wire':'0.1.0','eventemitter3':'^5.0.1','debug':'^4.4.3'}, bins={}, entries={'index':'src/index.ts'}),
  'rib':    dict(desc='Adj-RIB-In, Loc-RIB with explained best-path selection, Adj-RIB-Out with update packing, and the datapath sink interface.', deps={'@bgp/wire':'0.1.0','@bgp/fsm':'0.1.0','eventemitter3':'^5.0.1'}, bins={}, entries={'index':'src/index.ts','testing':'src/testing.ts'}),
  'policy': dict(desc='The Cilium BGP Control Plane model: v2 resources, legacy PeeringPolicy, advertisements, LB-IPAM and migration, as pure functions.', deps={'ip-num':'^1.5.1','yaml':'^2.8.1'}, bins={}, entries={'index':'src/index.ts'}),
  'ebpf':   dict(desc='Datapath plugins that keep BPF maps (LPM tries) in step with the RIB, over a libbpf N-API addon.', deps={'@bgp/wire':'0.1.0','@bgp/rib':'0.1.0'}, bins={}, entries={'index':'src/index.ts'}),
  'speaker':dict(desc='The reference composition: a Speaker, the bgp-agent daemon driven by Cilium YAML, and the bgp CLI.', deps={'@bgp/wire':'0.1.0','@bgp/fsm':'0.1.0','@bgp/rib':'0.1.0','@bgp/policy':'0.1.0','eventemitter3':'^5.0.1','debug':'^4.4.3'}, bins={}, entries={'index':'src/index.ts'}),
}
for name, d in pkgs.items():
  root = f'packages/{name}'
  exports = {}
  for e in d['entries']:
    if e.startswith('cli/'): continue
    key = '.' if e == 'index' else f'./{e}'
    exports[key] = {
      'import': {'types': f'./dist/{e}.d.ts', 'default': f'./dist/{e}.js'},
      'require': {'types': f'./dist/{e}.d.cts', 'default': f'./dist/{e}.cjs'},
    }
  exports['./package.json'] = './package.json'
  pj = {
    'name': f'@bgp/{name}', 'version': '0.1.0', 'description': d['desc'], 'license': 'Apache-2.0',
    'type': 'module', 'sideEffects': False,
    'main': './dist/index.cjs', 'module': './dist/index.js', 'types': './dist/index.d.ts',
    'exports': exports, 'files': ['dist', 'README.md'],
    'engines': {'node': '>=20.10'},
    'scripts': {'build': 'tsup'},
  }
  if d['bins']: pj['bin'] = d['bins']
  if d['deps']: pj['dependencies'] = d['deps']
  path = f'{root}/package.json'
  if os.path.exists(path) and '--force' not in sys.argv:
    old = json.load(open(path)); old.update({k: pj[k] for k in ('exports','files','sideEffects')}); pj = old
  json.dump(pj, open(path, 'w'), indent=2); open(path, 'a').write('\n')
  ents = ',\n    '.join(f"'{k}': '{v}'" for k, v in d['entries'].items())
  open(f'{root}/tsup.config.ts', 'w').write(f"""import {{ defineConfig }} from 'tsup';

export default defineConfig({{
  entry: {{
    {ents},
  }},
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
}});
""")
  open(f'{root}/tsconfig.json', 'w').write(json.dumps({'extends': '../../tsconfig.base.json', 'include': ['src/**/*.ts']}, indent=2) + '\n')
