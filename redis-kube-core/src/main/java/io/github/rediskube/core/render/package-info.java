/**
 * Pure rendering of specs into fabric8 model objects: the Redis and Sentinel workloads, Services, ConfigMap,
 * Secret, NetworkPolicy and PodDisruptionBudgets of a deployment, a tenant's namespace and quota, and the RBAC a
 * caller needs. No API calls, no clock, no randomness: the same spec renders byte-identical manifests.
 * Values are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 *
 * <h2>How a deployment is rendered</h2>
 * Each feature is one {@code Contribution}: {@code ReplicationContribution} (the master and replica pods, always
 * on), {@code SentinelContribution} (Sentinel mode), {@code MetricsContribution} (the exporter sidecars and
 * ServiceMonitor of {@code metrics(..)}) and {@code PlacementContribution} (the topology spread, priority class
 * and pod-template metadata of {@code placement(..)}). {@code Contributions} holds the registered ones in order
 * and assembles their parts: the ConfigMap of their files, redis.conf per role of their directives, one
 * NetworkPolicy of their ports, their Services (each with every contribution's ports for its pods), each
 * workload (a {@code Workload} around a {@code PodDraft}) offered to every contribution's {@code pod(..)}, and
 * all objects in apply order by kind. A contribution builds only from the primitives ({@code Containers},
 * {@code Volumes}, {@code Services}, {@code DisruptionBudgets}, {@code Labels}, {@code PodDraft},
 * {@code PasswordFile}, {@code RedisConfig}), never from another contribution's helpers ({@code LayeringTest}
 * checks), and does not ask whether another feature is on; the one fact replication shares with Sentinel,
 * whether roles move between the Redis pods, is {@code Labels.rolesMove}. Environment variables the scripts read
 * are {@code ScriptEnv} constants.
 *
 * <h2>How to add a feature (say, a metrics sidecar)</h2>
 * <ol>
 *   <li>Write one class {@code MetricsContribution implements Contribution}, with Javadoc saying what it adds,
 *       and {@code appliesTo(spec)} reading the spec's setting.</li>
 *   <li>Override only what it adds: {@code pod(spec, pod)} to {@code pod.add(..)} a sidecar built with
 *       {@code Containers.restricted(..)} (and {@code pod.volumes(..)}, or ports and mounts on
 *       {@code pod.main()}), for Redis pods, Sentinel pods ({@code pod.kind()}) or both; {@code servicePorts}
 *       for a named port on the Services fronting those pods; {@code ingressPorts} for its port in the
 *       NetworkPolicy; {@code objects} for its own objects (a ServiceMonitor: kinds not in the apply order come
 *       last); {@code configFiles}/{@code redisConf} for files and directives.</li>
 *   <li>Register it in {@code Contributions.REGISTERED}: its place in that list is its place within each kind, a
 *       pod's containers, env, mounts and volumes (after the existing ones keeps every other mode's YAML
 *       unchanged, which {@code GoldenYamlTest} checks).</li>
 *   <li>Name every environment variable its scripts read in {@code ScriptEnv} ({@code ScriptEnvTest} checks);
 *       add a golden file with the feature on, and tests of what it adds ({@code ContributionsTest} shows a
 *       sidecar contribution written against the interface alone).</li>
 * </ol>
 * Where a shared primitive lacks something (another volume source, say), extend the primitive rather than
 * reach into another contribution.
 */
@NullMarked
package io.github.rediskube.core.render;

import org.jspecify.annotations.NullMarked;
