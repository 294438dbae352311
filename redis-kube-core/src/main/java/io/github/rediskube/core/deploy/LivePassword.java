package io.github.rediskube.core.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.RedisKubeException.Reason;
import io.github.rediskube.core.render.RedisManifests;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The password a deployment's pods actually run with: the one in its live Secret, which outlives the
 * spec's (a spec built again, after a restart or in another process, generates another one).
 */
final class LivePassword {

    private static final Logger LOG = LoggerFactory.getLogger(LivePassword.class);
    /** How often the wait for the kubelets reports what is left. */
    private static final long PROGRESS_MILLIS = 30_000;

    private LivePassword() {
    }

    /**
     * Points the pod templates' {@link RedisManifests#PASSWORD_HASH_ANNOTATION} at the password the pods will
     * run with after applying: a generated Secret of ours that exists already is kept (never overwritten), so
     * its password, not the spec's new one, is what the pods get. The pods then roll only when that password
     * changes (another build's export re-applied), and a fresh spec of an unchanged deployment writes nothing.
     *
     * @param desired the rendered objects
     * @param live    what {@link Applier#read} found
     * @return {@code desired}, with the StatefulSets re-annotated where the live password differs (copies)
     */
    static List<HasMetadata> stamp(RedisReplicationSpec spec, List<HasMetadata> desired, Map<String, HasMetadata> live,
                                   Applier applier) {
        if (spec.auth().kind() != Auth.Kind.GENERATED) {
            return desired;
        }
        HasMetadata secret = live.get("Secret/" + spec.names().generatedSecret());
        String password = secret instanceof Secret s && applier.ours(s) ? decode(s, Auth.DEFAULT_KEY) : null;
        if (password == null || password.equals(spec.auth().password())) {
            return desired;
        }
        String hash = RedisManifests.passwordHash(spec, password);
        List<HasMetadata> stamped = new ArrayList<>(desired.size());
        for (HasMetadata object : desired) {
            if (object instanceof StatefulSet sts && sts.getSpec().getTemplate().getMetadata().getAnnotations()
                    .containsKey(RedisManifests.PASSWORD_HASH_ANNOTATION)) {
                StatefulSet copy = Serialization.clone(sts);
                copy.getSpec().getTemplate().getMetadata().getAnnotations()
                        .put(RedisManifests.PASSWORD_HASH_ANNOTATION, hash);
                stamped.add(copy);
            } else {
                stamped.add(object);
            }
        }
        return stamped;
    }

    /**
     * Reads the password clients need from the deployment's Secret (the generated one, or the one its spec
     * names), as its live master StatefulSet refers to it.
     *
     * @return the password, or {@code null} when auth is disabled
     * @throws RedisKubeException with {@link Reason#NOT_FOUND} when the Secret or its key is missing
     */
    static String read(Instance instance) {
        String namespace = instance.namespace();
        SecretKeySelector ref;
        try {
            ref = StatusReader.passwordRef(instance.statefulSet(Role.MASTER));
        } catch (KubernetesClientException e) {
            throw Errors.of(instance.client(), "reading the password reference of", "StatefulSet", namespace,
                    instance.statefulSetName(Role.MASTER), e, List.of());
        }
        if (ref == null) {
            return null;
        }
        try {
            Secret secret = instance.client().secrets().inNamespace(namespace).withName(ref.getName()).get();
            String password = secret == null ? null : decode(secret, ref.getKey());
            if (password == null) {
                throw new RedisKubeException(Reason.NOT_FOUND, "Secret", namespace, ref.getName(), "Secret "
                        + namespace + "/" + ref.getName() + " has no key " + ref.getKey()
                        + ". Fix: create it, or deploy with Auth.generated()", null, List.of(), null);
            }
            try {
                return Auth.secretPassword(password);   // the scripts' rule: one trailing newline stripped
            } catch (IllegalArgumentException e) {
                throw new RedisKubeException(Reason.REFUSED, "Secret", namespace, ref.getName(), "Secret "
                        + namespace + "/" + ref.getName() + " key " + ref.getKey() + ": " + e.getMessage(), null,
                        List.of(), null);
            }
        } catch (KubernetesClientException e) {
            throw Errors.of(instance.client(), "reading the password of", "Secret", namespace, ref.getName(), e, List.of());
        }
    }

    /**
     * Writes a new password into the Secret the master StatefulSet takes its password from (optimistically
     * locked on the version read), leaving the pod templates as they are: no pod restarts now.
     *
     * @throws RedisKubeException with {@link Reason#NOT_FOUND} when auth is off or the Secret or key is missing
     */
    static void store(Instance instance, String password) {
        String namespace = instance.namespace();
        SecretKeySelector ref;
        try {
            ref = StatusReader.passwordRef(instance.statefulSet(Role.MASTER));
        } catch (KubernetesClientException e) {
            throw Errors.of(instance.client(), "reading the password reference of", "StatefulSet", namespace,
                    instance.statefulSetName(Role.MASTER), e, List.of());
        }
        if (ref == null) {
            throw new RedisKubeException(Reason.NOT_FOUND, "StatefulSet", namespace,
                    instance.statefulSetName(Role.MASTER), "deployment " + namespace + "/"
                    + instance.statefulSetName(Role.MASTER) + " runs without auth (its pods read no password):"
                    + " nothing to rotate. Fix: deploy it with Auth.generated() or Auth.fromSecret(..)", null,
                    List.of(), null);
        }
        try {
            Secret secret = instance.client().secrets().inNamespace(namespace).withName(ref.getName()).get();
            if (secret == null || decode(secret, ref.getKey()) == null) {
                throw new RedisKubeException(Reason.NOT_FOUND, "Secret", namespace, ref.getName(), "Secret "
                        + namespace + "/" + ref.getName() + (secret == null ? " is missing" : " has no key " + ref.getKey())
                        + ": the pods read their password from it. Fix: create it with the password they run with",
                        null, List.of(), null);
            }
            Secret edited = Serialization.clone(secret);
            edited.getData().put(ref.getKey(),
                    Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)));
            instance.client().secrets().inNamespace(namespace).resource(edited).update();
        } catch (KubernetesClientException e) {
            throw Errors.of(instance.client(), "writing the password to", "Secret", namespace, ref.getName(), e, List.of());
        }
    }

    /**
     * Waits the time the kubelets may take to write a stored password into the pods' password files (see
     * {@link DeployOptions#DEFAULT_PASSWORD_FILE_REFRESH} for why a bound, not a check), logging what is left
     * every 30 s.
     *
     * @throws RedisKubeException with {@link Reason#OTHER} when interrupted (the interrupt flag is kept)
     */
    static void awaitFileRefresh(Instance instance, Duration bound) {
        if (bound.isZero()) {
            return;
        }
        String what = instance.namespace() + "/" + instance.name();
        LOG.info("{}: waiting {} s for every kubelet to refresh the pods' password file before the old password"
                + " is retired (DeployOptions.passwordFileRefresh)", what, bound.toSeconds());
        long deadline = System.nanoTime() + bound.toNanos();
        try {
            for (long left = bound.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                Thread.sleep(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), PROGRESS_MILLIS)));
                long remaining = deadline - System.nanoTime();
                if (remaining > 0) {
                    LOG.info("{}: {} s left before the old password may be retired", what,
                            TimeUnit.NANOSECONDS.toSeconds(remaining));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisKubeException(Reason.OTHER, "Secret", instance.namespace(), null, "interrupted while waiting"
                    + " for the kubelets to refresh the password file of " + what + "'s pods: the Secret holds the new"
                    + " password, but some pods may still read the old one. Fix: keep the old password accepted for "
                    + bound.toSeconds() + " s more (rotate again, or wait before retiring it)", null, List.of(), e);
        }
    }

    /** @return the key's value, or {@code null} when the Secret lacks it */
    private static String decode(Secret secret, String key) {
        String encoded = secret.getData() == null ? null : secret.getData().get(key);
        return encoded == null ? null : new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }
}
