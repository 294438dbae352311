package io.github.rediskube.core.deploy;

import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
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
 * The CA clients trust a TLS deployment by: read from the Secret the running master StatefulSet mounts as its
 * TLS volume (the key its {@code ca.crt} item names), so an attached handle without a spec finds it too.
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
