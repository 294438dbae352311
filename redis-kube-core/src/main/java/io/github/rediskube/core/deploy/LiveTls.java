package io.github.rediskube.core.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.RedisKubeException.Reason;
import io.github.rediskube.core.render.RedisManifests;
import io.github.rediskube.core.spec.Role;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The TLS Secret of a deployment: refused at apply when missing, and the CA clients trust read from the Secret the
 * running master StatefulSet mounts as its TLS volume (the key its {@code ca.crt} item names), so an attached
 * handle without a spec finds it too.
 */
final class LiveTls {

    private LiveTls() {
    }

    /** @return the CA certificate(s) (PEM), or {@code null} when the deployment serves plain TCP */
    static @Nullable String caCertificate(Instance instance) {
        String namespace = instance.namespace();
        StatefulSet master;
        try {
            master = instance.statefulSet(Role.MASTER);
        } catch (KubernetesClientException e) {
            throw Errors.of(instance.client(), "reading the TLS volume of", "StatefulSet", namespace,
                    instance.statefulSetName(Role.MASTER), e, List.of());
        }
        SecretVolumeSource source = master == null ? null : tlsVolume(master);
        if (source == null) {
            return null;
        }
        String key = source.getItems().stream().filter(i -> RedisManifests.TLS_CA_FILE.equals(i.getPath()))
                .map(KeyToPath::getKey).findFirst().orElse(RedisManifests.TLS_CA_FILE);
        try {
            Secret secret = instance.client().secrets().inNamespace(namespace).withName(source.getSecretName()).get();
            String encoded = secret == null || secret.getData() == null ? null : secret.getData().get(key);
            if (encoded == null) {
                throw new RedisKubeException(Reason.NOT_FOUND, "Secret", namespace, source.getSecretName(), "Secret "
                        + namespace + "/" + source.getSecretName() + " has no key " + key + " (the CA clients trust)."
                        + " Fix: issue the certificate with a CA (cert-manager writes ca.crt), or name the key with"
                        + " tls(t -> t.caKey(..))", null, List.of(), null);
            }
            return new String(Base64.getDecoder().decode(encoded), StandardCharsets.US_ASCII);
        } catch (KubernetesClientException e) {
            throw Errors.of(instance.client(), "reading the TLS CA of", "Secret", namespace, source.getSecretName(),
                    e, List.of());
        }
    }

    /**
     * Refuses an apply, before anything is written, whose StatefulSets mount a TLS Secret that does not exist or
     * lacks one of the keys they mount: the pods would wait in {@code ContainerCreating} ({@code FailedMount}).
     *
     * @throws RedisKubeException with {@link Reason#NOT_FOUND} naming the Secret, the missing keys and the fix
     */
    static void requireSecret(KubernetesClient client, String namespace, List<HasMetadata> desired) {
        for (HasMetadata object : desired) {
            SecretVolumeSource source = object instanceof StatefulSet sts ? tlsVolume(sts) : null;
            if (source == null) {
                continue;
            }
            Secret secret;
            try {
                secret = client.secrets().inNamespace(namespace).withName(source.getSecretName()).get();
            } catch (KubernetesClientException e) {
                throw Errors.of(client, "reading the TLS Secret of", "Secret", namespace, source.getSecretName(), e,
                        List.of());
            }
            List<String> missing = source.getItems().stream().map(KeyToPath::getKey)
                    .filter(key -> secret == null || secret.getData() == null || !secret.getData().containsKey(key))
                    .toList();
            if (!missing.isEmpty()) {
                throw new RedisKubeException(Reason.NOT_FOUND, "Secret", namespace, source.getSecretName(),
                        (secret == null ? "the TLS Secret " + namespace + "/" + source.getSecretName() + " does not exist"
                                : "the TLS Secret " + namespace + "/" + source.getSecretName() + " has no key "
                                        + String.join(", ", missing))
                        + " (the pods would wait for it in ContainerCreating). Nothing was written. Fix: create it with "
                        + String.join(", ", source.getItems().stream().map(KeyToPath::getKey).toList())
                        + " (a cert-manager Certificate with secretName " + source.getSecretName()
                        + " writes tls.crt, tls.key and ca.crt), or name its keys with tls(t -> t.certKey(..)"
                        + ".keyKey(..).caKey(..))", null, List.of(), null);
            }
            return;
        }
    }

    private static @Nullable SecretVolumeSource tlsVolume(StatefulSet master) {
        List<Volume> volumes = master.getSpec().getTemplate().getSpec().getVolumes();
        for (Volume volume : volumes == null ? List.<Volume>of() : volumes) {
            if (RedisManifests.TLS_VOLUME.equals(volume.getName()) && volume.getSecret() != null) {
                return volume.getSecret();
            }
        }
        return null;
    }
}
