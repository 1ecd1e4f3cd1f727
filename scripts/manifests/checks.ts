import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { asArray, asLabels, asObject, asString, type Json, type Manifest, type Problem } from './manifest.ts';

export interface PolicyContext {
  /** The services `bazaar serve` knows (SERVICE_NAMES). */
  services: readonly string[];
  /** The repository root: the command's script must exist in it. */
  root: string;
  /** Secrets created outside the manifests (documented by an example), which may be referred to. */
  externalSecrets: ReadonlySet<string>;
  /** Overlays deploy releases: every image must name one (a tag other than latest, or a digest). */
  pinnedImages: boolean;
}

interface Container {
  /** `spec.template.spec.containers[0]` */
  path: string;
  init: boolean;
  spec: Json;
}

const BAZAAR_SCRIPT = 'packages/platform/bin/bazaar.js';
const PROBES = ['startupProbe', 'livenessProbe', 'readinessProbe'] as const;

/**
 * What the schemas cannot see: references between objects (Service → pods, probe → port, HPA →
 * Deployment, envFrom → ConfigMap/Secret) and Bazaar's own rules (every container has resources, every
 * service probes, each Deployment runs `bazaar serve <a real service>` and migrates that service).
 */
export const checkPolicy = (manifests: Manifest[], context: PolicyContext): Problem[] => {
  const problems: Problem[] = [];
  const deployments = manifests.filter((m) => m.kind === 'Deployment');
  for (const deployment of deployments) problems.push(...checkDeployment(deployment, manifests, context));
  for (const manifest of manifests) {
    const report = (path: string, message: string) => problems.push({ manifest, path, message });
    const spec = asObject(manifest.object.spec);
    const matching = (selector: Record<string, string>) =>
      deployments.filter((d) => d.namespace === manifest.namespace && selects(selector, podLabels(d)));
    switch (manifest.kind) {
      case 'Service': {
        if (asString(spec.type) === 'ExternalName') break;
        const selector = asLabels(spec.selector);
        if (Object.keys(selector).length === 0) {
          report('spec.selector', 'a Service without a selector routes to nothing');
          break;
        }
        const targets = matching(selector);
        if (targets.length === 0) {
          report('spec.selector', `${labelText(selector)} matches no Deployment's pods`);
          break;
        }
        asArray(spec.ports).forEach((port, i) => {
          const target = asObject(port).targetPort ?? asObject(port).port;
          for (const d of targets) {
            if (!containers(d).some((c) => !c.init && declaresPort(c.spec, target))) {
              report(
                `spec.ports[${i}].targetPort`,
                `no container of Deployment ${d.name} declares port ${String(target)}`,
              );
            }
          }
        });
        break;
      }
      case 'PodDisruptionBudget': {
        const selector = asLabels(asObject(spec.selector).matchLabels);
        if (Object.keys(selector).length === 0 || matching(selector).length === 0) {
          report('spec.selector.matchLabels', `${labelText(selector)} matches no Deployment's pods`);
        }
        break;
      }
      case 'HorizontalPodAutoscaler': {
        const target = asObject(spec.scaleTargetRef);
        const deployment = deployments.find(
          (d) => d.namespace === manifest.namespace && d.name === asString(target.name),
        );
        if (asString(target.kind) !== 'Deployment' || !deployment) {
          report('spec.scaleTargetRef', `no Deployment named ${String(target.name)} to scale`);
          break;
        }
        const scalesOnCpu = asArray(spec.metrics).some(
          (metric) => asString(asObject(asObject(metric).resource).name) === 'cpu',
        );
        for (const c of containers(deployment).filter((c) => !c.init)) {
          if (scalesOnCpu && asObject(asObject(c.spec.resources).requests).cpu === undefined) {
            report(
              'spec.metrics',
              `scales on CPU utilization but Deployment ${deployment.name}'s ${c.path} requests no cpu`,
            );
          }
        }
        break;
      }
      case 'Ingress':
        asArray(spec.rules).forEach((rule, r) =>
          asArray(asObject(asObject(rule).http).paths).forEach((entry, p) => {
            const service = asObject(asObject(asObject(entry).backend).service);
            const port = asObject(service.port);
            const target = manifests.find(
              (m) =>
                m.kind === 'Service' &&
                m.namespace === manifest.namespace &&
                m.name === asString(service.name),
            );
            const path = `spec.rules[${r}].http.paths[${p}].backend.service`;
            if (!target) report(path, `no Service named ${String(service.name)}`);
            else if (
              !asArray(asObject(target.object.spec).ports).some(
                (sp) =>
                  asObject(sp).name === port.name ||
                  (port.number !== undefined && asObject(sp).port === port.number),
              )
            ) {
              report(
                `${path}.port`,
                `Service ${target.name} has no port ${String(port.name ?? port.number)}`,
              );
            }
          }),
        );
        break;
    }
  }
  return problems;
};

const checkDeployment = (deployment: Manifest, manifests: Manifest[], context: PolicyContext): Problem[] => {
  const problems: Problem[] = [];
  const report = (path: string, message: string) => problems.push({ manifest: deployment, path, message });
  const spec = asObject(deployment.object.spec);
  const selector = asLabels(asObject(spec.selector).matchLabels);
  if (Object.keys(selector).length === 0 || !selects(selector, podLabels(deployment))) {
    report(
      'spec.selector.matchLabels',
      `${labelText(selector)} does not select the Deployment's own pod template`,
    );
  }
  const served = new Set<string>();
  const all = containers(deployment);
  for (const container of all) {
    const name = asString(container.spec.name) ?? '?';
    const at = (field: string) => `${container.path}.${field}`;
    const image = asString(container.spec.image) ?? '';
    if (context.pinnedImages && !pinned(image)) {
      report(at('image'), `${image || 'no image'} is not pinned: give a release tag or a digest`);
    }
    const resources = asObject(container.spec.resources);
    if (Object.keys(resources).length === 0)
      report(at('resources'), `container ${name} has no resources block`);
    else {
      const missing = ['requests.cpu', 'requests.memory', 'limits.memory'].filter((field) => {
        const [group = '', key = ''] = field.split('.');
        return asObject(resources[group])[key] === undefined;
      });
      if (missing.length > 0) report(at('resources'), `container ${name} sets no ${missing.join(', ')}`);
    }
    for (const probe of PROBES) {
      const handler = asObject(container.spec[probe]);
      const port = (['httpGet', 'tcpSocket', 'grpc'] as const)
        .map((kind) => [kind, asObject(handler[kind]).port] as const)
        .find(([, value]) => value !== undefined);
      if (port && !declaresPort(container.spec, port[1])) {
        report(
          at(`${probe}.${port[0]}.port`),
          `${String(port[1])} is not a port of container ${name} (it declares ${portList(container.spec)})`,
        );
      }
    }
    const argv = [...asArray(container.spec.command), ...asArray(container.spec.args)].map(String);
    if (argv[0] === 'node' && argv[1]?.endsWith('bazaar.js')) {
      // Through `node`, the platform's Node flags (the command's shebang) are lost.
      report(at('command'), `run ${argv[1]} itself, not through node: its shebang gives Node its flags`);
      continue;
    }
    if (!argv[0]?.endsWith('bazaar.js')) continue;
    if (!existsSync(join(context.root, argv[0]))) {
      report(at('command'), `${argv[0]} does not exist (the bazaar command is ${BAZAAR_SCRIPT})`);
      continue;
    }
    const [verb, ...rest] = argv.slice(1);
    const service =
      verb === 'serve' ? rest[0] : verb === 'migrate' ? rest[rest.indexOf('--service') + 1] : undefined;
    if (verb !== (container.init ? 'migrate' : 'serve') || service === undefined) {
      report(
        at('args'),
        container.init
          ? `init container ${name} should run 'migrate --service <service>', not '${argv.slice(1).join(' ')}'`
          : `container ${name} should run 'serve <service>', not '${argv.slice(1).join(' ')}'`,
      );
      continue;
    }
    if (!context.services.includes(service)) {
      report(at('args'), `'${service}' is not a Bazaar service (${context.services.join(', ')})`);
      continue;
    }
    if (!container.init) {
      served.add(service);
      for (const probe of ['livenessProbe', 'readinessProbe'] as const) {
        if (container.spec[probe] === undefined)
          report(at(probe), `container ${name} serves ${service} without a ${probe}`);
      }
    }
  }
  if (served.size === 0) {
    report('spec.template.spec.containers', `no container runs '${BAZAAR_SCRIPT} serve <service>'`);
  }
  for (const container of all.filter((c) => c.init)) {
    const argv = [...asArray(container.spec.command), ...asArray(container.spec.args)].map(String);
    const migrated = argv[argv.indexOf('--service') + 1];
    if (argv.includes('--service') && migrated && served.size > 0 && !served.has(migrated)) {
      report(`${container.path}.args`, `migrates ${migrated} but the pod serves ${[...served].join(', ')}`);
    }
  }
  for (const { path, ref, kind } of references(deployment)) {
    const exists = manifests.some(
      (m) => m.kind === kind && m.namespace === deployment.namespace && m.name === ref.name,
    );
    if (
      !exists &&
      ref.optional !== true &&
      !(kind === 'Secret' && context.externalSecrets.has(String(ref.name)))
    ) {
      report(
        path,
        `refers to ${kind} ${String(ref.name)}, which is neither in the manifests nor documented as created outside them`,
      );
    }
  }
  return problems;
};

/** `name:1.2.3` or `name@sha256:…`; not `name` or `name:latest`. A registry port is not a tag. */
const pinned = (image: string): boolean => {
  if (image.includes('@')) return true;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return tag !== undefined && tag !== 'latest';
};

const podTemplate = (deployment: Manifest): Json => asObject(asObject(deployment.object.spec).template);

const podLabels = (deployment: Manifest): Record<string, string> =>
  asLabels(asObject(podTemplate(deployment).metadata).labels);

const containers = (deployment: Manifest): Container[] => {
  const pod = asObject(podTemplate(deployment).spec);
  return (['initContainers', 'containers'] as const).flatMap((field) =>
    asArray(pod[field]).map((spec, i) => ({
      path: `spec.template.spec.${field}[${i}]`,
      init: field === 'initContainers',
      spec: asObject(spec),
    })),
  );
};

const references = (deployment: Manifest) => {
  const found: { path: string; ref: Json; kind: 'ConfigMap' | 'Secret' }[] = [];
  const pod = asObject(podTemplate(deployment).spec);
  for (const c of containers(deployment)) {
    asArray(c.spec.envFrom).forEach((source, i) => {
      const s = asObject(source);
      if (s.configMapRef)
        found.push({ path: `${c.path}.envFrom[${i}]`, ref: asObject(s.configMapRef), kind: 'ConfigMap' });
      if (s.secretRef)
        found.push({ path: `${c.path}.envFrom[${i}]`, ref: asObject(s.secretRef), kind: 'Secret' });
    });
    asArray(c.spec.env).forEach((variable, i) => {
      const from = asObject(asObject(variable).valueFrom);
      if (from.configMapKeyRef)
        found.push({ path: `${c.path}.env[${i}]`, ref: asObject(from.configMapKeyRef), kind: 'ConfigMap' });
      if (from.secretKeyRef)
        found.push({ path: `${c.path}.env[${i}]`, ref: asObject(from.secretKeyRef), kind: 'Secret' });
    });
  }
  asArray(pod.volumes).forEach((volume, i) => {
    const v = asObject(volume);
    if (v.configMap)
      found.push({ path: `spec.template.spec.volumes[${i}]`, ref: asObject(v.configMap), kind: 'ConfigMap' });
    if (v.secret) {
      const secret = asObject(v.secret);
      found.push({
        path: `spec.template.spec.volumes[${i}]`,
        ref: { name: secret.secretName, optional: secret.optional },
        kind: 'Secret',
      });
    }
  });
  return found;
};

const declaresPort = (container: Json, port: unknown): boolean =>
  asArray(container.ports).some((p) =>
    typeof port === 'number' ? asObject(p).containerPort === port : asObject(p).name === port,
  );

const portList = (container: Json): string => {
  const ports = asArray(container.ports).map((p) => {
    const { name, containerPort } = asObject(p);
    return typeof name === 'string' ? `${name}/${String(containerPort)}` : String(containerPort);
  });
  return ports.length > 0 ? ports.join(', ') : 'no ports';
};

const selects = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

const labelText = (labels: Record<string, string>): string =>
  Object.keys(labels).length > 0
    ? Object.entries(labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(',')
    : 'an empty selector';
