package io.github.rediskube.core.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.RedisKubeException.Reason;
import io.github.rediskube.core.internal.DeployEntry;
import io.github.rediskube.core.render.RedisManifests;
import io.github.rediskube.core.render.TenantManifests;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.Mode;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import io.github.rediskube.core.spec.TenantSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis master/replica deployment on a live cluster. Made by {@code RedisKube.deploy(client, spec)}
 * (which applies every rendered object) or {@code RedisKube.attach(client, namespace, name)} (one that
 * exists already). Uses the caller's {@link KubernetesClient} as given.
 *
 * <pre>{@code
 * try (RedisDeployment redis = RedisKube.deploy(client, spec, DeployOptions.DEFAULT.withEphemeral(true))) {
 *     redis.awaitReady(Duration.ofMinutes(2));
 *     redis.scaleReplicas(3);
 * }   // ephemeral: deleted on close, burned after use (without it, close deletes nothing)
 * }</pre>
 *
 * <p>Everything it reads, writes and deletes is selected by this instance's labels, so deployments
 * that share a namespace never touch each other. Every object carries an owner reference to the
 * instance's ConfigMap, so deleting that ConfigMap lets Kubernetes garbage-collect the rest.
 *
 * <p>Thread-safety: a handle may be shared between threads; its only mutable state, the spec last applied,
 * is published safely. Operations are not serialized against each other, though: two threads that
 * {@code update}, {@code scaleReplicas} or {@code delete} at once race like two {@code kubectl} users would
 * (the last write wins), so let one owner change a deployment. The {@link KubernetesClient} is the caller's and
 * is thread-safe as fabric8 documents it.
 */
public final class RedisDeployment implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisDeployment.class);

    /** Kinds a deployment owns, in deletion order (workloads first). */
    private static final List<Class<? extends HasMetadata>> OWNED_KINDS = List.of(StatefulSet.class,
            PodDisruptionBudget.class, NetworkPolicy.class, Service.class, ConfigMap.class, Secret.class);
    /**
     * The role labeler's RBAC of Sentinel mode; listed only for a Sentinel spec (so plain deployments need no
     * RBAC permissions), else left to garbage collection through their owner reference.
     */
    private static final List<Class<? extends HasMetadata>> SENTINEL_KINDS = List.of(
            io.fabric8.kubernetes.api.model.rbac.RoleBinding.class, io.fabric8.kubernetes.api.model.rbac.Role.class,
            io.fabric8.kubernetes.api.model.ServiceAccount.class);

    static {
        DeployEntry.register(new Entry());
    }

    private final KubernetesClient client;
    private final Instance instance;
    private final String namespace;
    private final String name;
    private final DeployOptions options;
    private final boolean owned;
    private volatile @Nullable RedisReplicationSpec spec;

    private RedisDeployment(KubernetesClient client, String namespace, String name, DeployOptions options,
                            @Nullable RedisReplicationSpec spec, boolean owned) {
        this.client = client;
        this.instance = new Instance(client, namespace, name);
        this.namespace = namespace;
        this.name = name;
        this.options = options;
        this.spec = spec;
        this.owned = owned;
    }

    /**
     * Applies every object of the spec (only those that differ from the live ones are written).
     *
     * @param client  the caller's client
     * @param spec    what to deploy
     * @param options how to write
     * @return the handle; closing it deletes nothing, unless the options say {@link DeployOptions#ephemeral()}
     * @throws RedisKubeException with {@link Reason#CONFLICT}, before anything is written, when an object exists
     *         under a rendered name but is not this deployment's (unless {@link DeployOptions#adoptExisting()});
     *         if the API server refuses an object, listing what was applied
     */
    static RedisDeployment deploy(KubernetesClient client, RedisReplicationSpec spec, DeployOptions options) {
        requireClientAndOptions(client, options);
        Errors.requireArgument(spec, "spec", "build one with RedisKube.replication(\"orders\")...build()");
        RedisDeployment deployment = new RedisDeployment(client, spec.namespace(), spec.name(), options, spec, true);
        deployment.applyAndPrune(spec);
        return deployment;
    }

    /**
     * Applies a tenant's objects (Namespace, ResourceQuota, LimitRange, NetworkPolicy); only those that
     * differ from the live ones are written.
     *
     * @param client  the caller's client
     * @param tenant  the tenant
     * @param options how to write
     * @return the objects written, as {@code Kind/name}
     */
    static List<String> provision(KubernetesClient client, TenantSpec tenant, DeployOptions options) {
        requireClientAndOptions(client, options);
        Errors.requireArgument(tenant, "tenant", "build one with RedisKube.tenant(\"tenant-a\").build()");
        return new Applier(client, options.withCreateNamespace(false), Instance.TENANT_LABELS)
                .apply(tenant.namespace(), null, TenantManifests.render(tenant));
    }

    /**
     * @param client    the caller's client
     * @param namespace the deployment's namespace
     * @param name      its instance name
     * @param options   how to write
     * @return a handle to a deployment another process made; closing it deletes nothing
     * @throws RedisKubeException with {@link Reason#NOT_FOUND} if there is no such deployment, with
     *         {@link Reason#CONFLICT} if its master StatefulSet's name is taken by an object that is not redis-kube's
     */
    static RedisDeployment attach(KubernetesClient client, String namespace, String name,
                                         DeployOptions options) {
        requireClientAndOptions(client, options);
        Errors.requireArgument(namespace, "namespace", "name the deployment's namespace, e.g. attach(client,"
                + " \"tenant-a\", \"orders\")");
        Errors.requireArgument(name, "name", "name the deployment, e.g. attach(client, \"tenant-a\", \"orders\")");
        RedisDeployment deployment = new RedisDeployment(client, namespace, name, options, null, false);
        StatefulSet master = deployment.liveMaster();
        if (master == null) {
            throw new RedisKubeException(Reason.NOT_FOUND, "StatefulSet", namespace, name + "-master",
                    "no redis-kube deployment " + namespace + "/" + name + ": its master StatefulSet " + name
                            + "-master does not exist. Fix: check the namespace and name, or deploy it first.",
                    null, List.of(), null);
        }
        if (!new Applier(client, options, deployment.instance.selector()).ours(master)) {
            throw new RedisKubeException(Reason.CONFLICT, "StatefulSet", namespace, name + "-master",
                    "no redis-kube deployment " + namespace + "/" + name + ": StatefulSet " + name + "-master exists but"
                            + " is not redis-kube's (its labels " + master.getMetadata().getLabels() + " lack "
                            + deployment.instance.selector() + "), so this handle would write someone else's object."
                            + " Fix: check the namespace and name.", null, List.of(), null);
        }
        return deployment;
    }

    /** @return the namespace */
    public String namespace() {
        return namespace;
    }

    /** @return the instance name */
    public String name() {
        return name;
    }

    /** @return the spec this handle last applied, or {@code null} for an attached handle that applied none */
    public @Nullable RedisReplicationSpec spec() {
        return spec;
    }

    /**
     * Waits until the master and every replica are ready, through one informer on the deployment's
     * StatefulSets (one LIST and one WATCH), logging progress.
     *
     * @param timeout how long to wait
     * @return this handle
     * @throws RedisKubeException with {@link Reason#TIMEOUT} saying which pods are not ready and why
     */
    public RedisDeployment awaitReady(Duration timeout) {
        Errors.requireArgument(timeout, "timeout", "use e.g. awaitReady(Duration.ofMinutes(2))");
        new Readiness(instance).await(timeout);
        return this;
    }

    /** @return the pods, their readiness and the endpoints a client needs */
    public DeploymentStatus status() {
        return StatusReader.read(instance, spec == null ? null : spec.clusterDomain());
    }

    /**
     * Reads which zone each scheduled Redis pod runs in, for zone-preferring reads ({@code ZoneReadFrom} in
     * redis-kube-client): pod, its node, that node's {@code topology.kubernetes.io/zone} label. Read afresh at
     * each call, since a rescheduled pod may land in another zone: call again to refresh.
     *
     * <pre>{@code
     * Map<String, String> zones = deployment.nodeZones();
     * // {orders-master-0.orders-headless.tenant-a.svc.cluster.local=eu-west-1a, orders-replica-0...=eu-west-1b}
     * }</pre>
     *
     * <p>Needs {@code get} on nodes, which are cluster-scoped: {@code RbacManifests.nodeZoneReader(..)}.
     *
     * @return zone by pod DNS name (the host a Redis pod announces), sorted; pods not scheduled yet and pods on
     *         nodes without the label are left out
     * @throws RedisKubeException with {@link Reason#FORBIDDEN} when the caller may not read nodes
     */
    public Map<String, String> nodeZones() {
        return NodeZones.read(instance, StatusReader.names(instance, liveMaster(), spec == null ? null
                : spec.clusterDomain()));
    }

    /**
     * Reads the password clients need from the deployment's Secret (the generated one, or the one its
     * spec names).
     *
     * @return the password, or {@code null} when auth is disabled; one trailing newline of the stored value
     *         is stripped, as the pods do ({@link io.github.rediskube.core.spec.Auth#secretPassword(String)})
     * @throws RedisKubeException with {@link Reason#NOT_FOUND} when the Secret or its key is missing, with
     *                            {@link Reason#REFUSED} when the value holds other control characters
     */
    public @Nullable String password() {
        return LivePassword.read(instance);
    }

    /**
     * Writes a new password into the deployment's Secret, then waits until every pod can read it: the store
     * step of a live rotation ({@code RedisKubeConnections.rotatePassword(client, endpoints, newPassword,
     * deployment::storePassword)} in redis-kube-client), called once every server accepts the new password; the
     * rotation retires the old one as soon as this returns.
     *
     * <p>The pods read the password from the Secret mounted as a file, at each probe and script run. The kubelet
     * of each node writes a changed Secret into its pods' volumes some time later and reports that nowhere an
     * API client can see, so this waits {@link DeployOptions#passwordFileRefresh()} (by default
     * {@link DeployOptions#DEFAULT_PASSWORD_FILE_REFRESH}, 2 minutes: a kubelet's default sync period with its
     * jitter, plus a margin), logging what is left every 30 s. Retiring the old password sooner would fail the
     * probes of every pod whose file still holds it (its Service endpoints gone) and, with Sentinel, its
     * scripts' calls. During the wait every server accepts both passwords and clients already use the new one.
     *
     * <p>No pod restarts: the pod templates are left as they are (the running servers take the new password
     * live, through {@code ACL SETUSER}); a pod that restarts later starts with it. The next {@code deploy()}
     * or {@link #update} sees the Secret's password differ from the one the templates were stamped with and
     * rolls the pods (see the README's "Password rotation"). Called alone, outside a rotation, a restarting pod
     * would run a password its peers refuse.
     *
     * @param newPassword the new password ({@link Auth#PASSWORD_RULE})
     * @return this handle, once the wait is over
     * @throws IllegalArgumentException before any API call, when the password breaks the rule
     * @throws RedisKubeException with {@link Reason#NOT_FOUND} when auth is off or the Secret is missing; with
     *                            {@link Reason#OTHER} when interrupted during the wait (the Secret holds the new
     *                            password; retiring the old one now could fail pods' probes)
     */
    public RedisDeployment storePassword(String newPassword) {
        Errors.requireArgument(newPassword, "newPassword", "use PasswordGenerator.secureRandom().generate()");
        if (!Auth.isUsablePassword(newPassword)) {
            throw new IllegalArgumentException("newPassword " + Auth.PASSWORD_RULE + ", was <" + newPassword.length()
                    + " characters>: use PasswordGenerator.secureRandom().generate()");
        }
        LivePassword.store(instance, newPassword);
        LOG.info("{}/{}: stored a new password in its Secret (no pod restarted)", namespace, name);
        LivePassword.awaitFileRefresh(instance, options.passwordFileRefresh());
        return this;
    }

    /**
     * Sets the number of replica pods; the master keeps serving throughout.
     *
     * @param replicas 0 to 32
     * @return this handle
     */
    public RedisDeployment scaleReplicas(int replicas) {
        if (spec != null) {
            return update(spec.toBuilder().replicas(replicas).build());
        }
        if (replicas < 0 || replicas > RedisReplicationSpec.MAX_REPLICAS) {
            throw new IllegalArgumentException("replicas must be between 0 and " + RedisReplicationSpec.MAX_REPLICAS
                    + ", was " + replicas + ": call scaleReplicas(n) with 0 <= n <= " + RedisReplicationSpec.MAX_REPLICAS);
        }
        try {
            client.apps().statefulSets().inNamespace(namespace).withName(instance.statefulSetName(Role.REPLICA))
                    .edit(sts -> {
                        sts.getSpec().setReplicas(replicas);
                        return sts;
                    });
            LOG.info("{}/{}: replicas scaled to {}", namespace, name, replicas);
            return this;
        } catch (KubernetesClientException e) {
            throw Errors.of(client, "scaling", "StatefulSet", namespace, instance.statefulSetName(Role.REPLICA), e, List.of());
        }
    }

    /**
     * Applies a changed spec of the same deployment: only objects that differ are written (pods roll
     * where their template changed); objects the new spec no longer renders are deleted. A larger
     * {@code storage.size} grows the volumes online first, as {@link #resizeStorage(String)} does.
     *
     * @param newSpec the new spec: same name and namespace
     * @return this handle
     * @throws RedisKubeException with {@link Reason#REFUSED}, before any write, when the new spec changes what
     *         a StatefulSet's volume claim template cannot change (mode CACHE/STORAGE, storage class, access
     *         mode, a smaller size)
     */
    public RedisDeployment update(RedisReplicationSpec newSpec) {
        Errors.requireArgument(newSpec, "newSpec", "pass the changed spec, e.g."
                + " update(redis.spec().toBuilder().replicas(3).build())");
        if (!newSpec.name().equals(name) || !newSpec.namespace().equals(namespace)) {
            throw new IllegalArgumentException("update must keep the deployment's name and namespace, was "
                    + newSpec.namespace() + "/" + newSpec.name() + " for " + namespace + "/" + name
                    + ": deploy the other spec with RedisKube.deploy(..) instead");
        }
        Volumes.ClaimTemplate before = spec != null ? Volumes.ClaimTemplate.of(spec)
                : Volumes.ClaimTemplate.of(liveMaster());
        String grownSize = before == null ? null : Volumes.checkTemplateChange(instance, before, newSpec);
        if (grownSize != null) {
            Volumes.growClaims(instance, newSpec.storage().storageClass(), grownSize, options.deleteTimeout());
        }
        applyAndPrune(newSpec);
        this.spec = newSpec;
        return this;
    }

    private static void requireClientAndOptions(KubernetesClient client, DeployOptions options) {
        Errors.requireArgument(client, "client", "pass the KubernetesClient to use, e.g."
                + " new KubernetesClientBuilder().build() for the current kubeconfig context");
        Errors.requireArgument(options, "options", "use DeployOptions.DEFAULT");
    }

    private StatefulSet liveMaster() {
        try {
            return instance.statefulSet(Role.MASTER);
        } catch (KubernetesClientException e) {
            throw Errors.of(client, "reading", "StatefulSet", namespace, instance.statefulSetName(Role.MASTER), e, List.of());
        }
    }

    /**
     * Grows every volume of a STORAGE deployment online: checks that the StorageClass allows
     * expansion, patches each PersistentVolumeClaim, then re-creates the StatefulSets with the new claim
     * template (templates are immutable: the old StatefulSets are deleted with orphan propagation, so
     * their pods keep running and are adopted by the new ones).
     *
     * @param size the new size, larger than the current one (e.g. {@code "20Gi"})
     * @return this handle
     * @throws RedisKubeException with {@link Reason#REFUSED} when shrinking, when the deployment has no
     *         volumes, or when the StorageClass does not allow expansion
     */
    public RedisDeployment resizeStorage(String size) {
        Errors.requireArgument(size, "size", "use e.g. resizeStorage(\"20Gi\")");
        RedisReplicationSpec current = requireSpec("resizeStorage");
        RedisReplicationSpec resized = Volumes.grow(instance, current, size, options.deleteTimeout());
        if (resized != current) {
            applyAndPrune(resized);   // re-creates the StatefulSets with the grown claim template
            this.spec = resized;
        }
        return this;
    }

    /**
     * Deletes every object of this deployment and waits until they are gone (bounded by
     * {@link DeployOptions#deleteTimeout()}). Volumes of a STORAGE deployment are kept unless its
     * storage says {@code deleteVolumesOnDelete}; an attached handle reads that from the live master
     * StatefulSet (its claim retention policy), and keeps the volumes when it cannot tell.
     */
    public void delete() {
        boolean volumes = spec != null ? spec.mode() == Mode.CACHE || spec.storage().deleteVolumesOnDelete()
                : liveDeletesVolumes();
        delete(volumes);
    }

    /** @return whether the live deployment asks for its volumes to go with it: no claims, or retention Delete */
    private boolean liveDeletesVolumes() {
        StatefulSet master = liveMaster();
        if (master == null || master.getSpec() == null) {
            return false;
        }
        var claims = master.getSpec().getVolumeClaimTemplates();
        if (claims == null || claims.isEmpty()) {
            return true;   // CACHE: nothing to keep
        }
        var retention = master.getSpec().getPersistentVolumeClaimRetentionPolicy();
        return retention != null && "Delete".equals(retention.getWhenDeleted());
    }

    /**
     * Deletes every object of this deployment, its volumes too when asked, and waits until they are gone.
     *
     * @param deleteVolumes whether to delete the PersistentVolumeClaims (the data) as well
     */
    public void delete(boolean deleteVolumes) {
        List<Class<? extends HasMetadata>> kinds = new ArrayList<>(OWNED_KINDS);
        if (spec == null || spec.sentinelEnabled()) {
            kinds.addAll(SENTINEL_KINDS);   // an attached handle cannot tell: deleting none found costs a request
        }
        if (deleteVolumes) {
            kinds.add(PersistentVolumeClaim.class);
        }
        Deletion.deleteAll(instance, kinds, options.deleteTimeout());
        LOG.info("{}/{}: deleted{}", namespace, name, deleteVolumes ? " with its volumes" : ", volumes kept");
    }

    /**
     * Releases what this handle holds (nothing outlives its calls: the informers of {@link #awaitReady} and
     * {@link #delete()} are closed when they return). The deployment keeps running, unless it was deployed
     * with {@link DeployOptions#withEphemeral(boolean) DeployOptions.withEphemeral(true)}: then close burns it
     * after use, deleting it with its volumes ({@link #delete(boolean) delete(true)}). An attached handle
     * never deletes anything.
     */
    @Override
    public void close() {
        if (owned && options.ephemeral()) {
            delete(true);
        }
    }

    @Override
    public String toString() {
        return "RedisDeployment[" + namespace + "/" + name + "]";
    }

    private void applyAndPrune(RedisReplicationSpec desiredSpec) {
        List<HasMetadata> desired = RedisManifests.render(desiredSpec);
        String anchor = desiredSpec.names().configMap();
        HasMetadata owner = desired.stream().filter(o -> o instanceof ConfigMap
                && o.getMetadata().getName().equals(anchor)).findFirst().orElseThrow();
        Applier applier = new Applier(client, options, instance.selector());
        Map<String, HasMetadata> found = applier.read(namespace, desired);   // refuses other people's objects
        if (Volumes.recreateSentinelsIfClaimsChanged(instance, desiredSpec, options.deleteTimeout())) {
            found = applier.read(namespace, desired);                          // without the orphaned StatefulSet
        }
        applier.apply(namespace, owner, LivePassword.stamp(desiredSpec, desired, found, applier), found);
        Set<String> keep = new HashSet<>();
        desired.forEach(o -> keep.add(o.getKind() + "/" + o.getMetadata().getName()));
        List<Class<? extends HasMetadata>> kinds = new ArrayList<>(OWNED_KINDS);
        if (desiredSpec.sentinelEnabled() || spec != null && spec.sentinelEnabled()) {
            kinds.addAll(SENTINEL_KINDS);
        }
        for (Class<? extends HasMetadata> kind : kinds) {
            List<? extends HasMetadata> items;
            try {
                items = client.resources(kind).inNamespace(namespace).withLabels(instance.selector()).list()
                        .getItems();
            } catch (KubernetesClientException e) {
                throw Errors.of(client, "listing for pruning", HasMetadata.getKind(kind), namespace, name, e, List.of());
            }
            for (HasMetadata live : items) {
                if (!keep.contains(live.getKind() + "/" + live.getMetadata().getName())) {
                    try {
                        client.resource(live).delete();
                    } catch (KubernetesClientException e) {
                        throw Errors.of(client, "pruning", live, namespace, e, List.of());
                    }
                    LOG.info("{} {}/{} no longer rendered: deleted", namespace, live.getKind(),
                            live.getMetadata().getName());
                }
            }
        }
        ServiceMonitors.pruneIfDropped(client, namespace, spec, desiredSpec);
    }

    private RedisReplicationSpec requireSpec(String operation) {
        if (spec == null) {
            throw Errors.refused(instance, operation + " needs the deployment's spec, and this handle was attached"
                    + " without one. Fix: call update(spec) once, or use RedisKube.deploy(client, spec) with the same"
                    + " spec");
        }
        return spec;
    }

    /** The entry points {@code RedisKube} reaches through {@link DeployEntry}. */
    private static final class Entry implements DeployEntry.Entry {
        @Override
        public RedisDeployment deploy(KubernetesClient client, RedisReplicationSpec spec, DeployOptions options) {
            return RedisDeployment.deploy(client, spec, options);
        }

        @Override
        public RedisDeployment attach(KubernetesClient client, String namespace, String name, DeployOptions options) {
            return RedisDeployment.attach(client, namespace, name, options);
        }

        @Override
        public List<String> provision(KubernetesClient client, TenantSpec tenant, DeployOptions options) {
            return RedisDeployment.provision(client, tenant, options);
        }
    }
}
