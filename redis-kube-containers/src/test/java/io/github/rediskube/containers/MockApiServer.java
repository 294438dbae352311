package io.github.rediskube.containers;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * fabric8's CRUD mock API server, reachable from the pods as an in-cluster kubectl expects it: over TLS at
 * the podman network's gateway with a certificate for that IP (a keytool-made key; the mock's own
 * self-signed certificate names localhost only), the discovery documents kubectl asks for first (the CRUD
 * mock has none), and the service-account files a pod mounts (token, ca.crt, namespace).
 */
final class MockApiServer implements AutoCloseable {

    private static final String PASSWORD = "changeit";
    /** Held so that the level stays: the mock logs every request at INFO through java.util.logging. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final ServerSocket tls;
    private final String host;
    private final String caPem;
    private final Path dir;

    private MockApiServer(KubernetesMockServer server, ServerSocket tls, String host, String caPem, Path dir) {
        this.server = server;
        this.client = server.createClient();
        this.tls = tls;
        this.host = host;
        this.caPem = caPem;
        this.dir = dir;
    }

    /**
     * Starts the mock on 127.0.0.1 and a TLS front for it on {@code ip} only (the run's gateway address, which
     * {@link PodmanCluster#create()} has put on the network's bridge), with a certificate for that address.
     */
    static MockApiServer start(String ip) {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new Discovery(new KubernetesCrudDispatcher()), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        try {
            Path dir = Files.createTempDirectory("redis-kube-mock-api");
            Path keystore = dir.resolve("api.p12");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Podman.exec(List.of(keytool, "-genkeypair", "-alias", "api", "-keyalg", "RSA", "-keysize", "2048",
                    "-validity", "2", "-dname", "CN=kube-apiserver", "-ext", "SAN=ip:" + ip + ",dns:kubernetes.default.svc",
                    "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD),
                    Duration.ofSeconds(60), null).orThrow();
            String pem = Podman.exec(List.of(keytool, "-exportcert", "-rfc", "-alias", "api", "-keystore",
                    keystore.toString(), "-storepass", PASSWORD), Duration.ofSeconds(60), null).orThrow().stdout();
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                store.load(in, PASSWORD.toCharArray());
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, PASSWORD.toCharArray());
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(keys.getKeyManagers(), null, null);
            ServerSocket tls = ssl.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getByName(ip));
            MockApiServer api = new MockApiServer(server, tls, ip, pem, dir);
            Thread acceptor = new Thread(api::accept, "mock-api-tls");
            acceptor.setDaemon(true);
            acceptor.start();
            return api;
        } catch (IOException e) {
            server.destroy();
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            server.destroy();
            throw new IllegalStateException(e);
        }
    }

    private void accept() {
        while (!tls.isClosed()) {
            try {
                Socket front = tls.accept();
                Socket back = new Socket(InetAddress.getLoopbackAddress(), server.getPort());
                pump(front, back);
                pump(back, front);
            } catch (IOException e) {
                if (tls.isClosed()) {
                    return;
                }
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // either side closed
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }, "mock-api-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /** @return {@code host:port} of the TLS front, for KUBERNETES_SERVICE_HOST/PORT */
    String address() {
        return host + ":" + tls.getLocalPort();
    }

    /** @return a client of the mock (plain HTTP on 127.0.0.1) */
    KubernetesClient client() {
        return client;
    }

    /** @return the files of a pod's service-account volume: any token (the mock checks none), the CA, the namespace */
    Map<String, String> serviceAccountFiles(String namespace) {
        return Map.of("token", "container-tier-token", "ca.crt", caPem, "namespace", namespace);
    }

    @Override
    public void close() {
        try {
            tls.close();
        } catch (IOException ignored) {
            // closing
        }
        client.close();
        server.destroy();
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temp directory
        }
    }

    /** The discovery documents kubectl reads before any request, then the CRUD mock. */
    private static final class Discovery extends Dispatcher {
        private final KubernetesCrudDispatcher crud;

        Discovery(KubernetesCrudDispatcher crud) {
            this.crud = crud;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath().replaceFirst("\\?.*", "");
            String body = switch (path) {
                case "/api" -> "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":"
                        + "[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1:443\"}]}";
                case "/apis" -> "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}";
                case "/api/v1" -> "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":[{\"name\":"
                        + "\"pods\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"Pod\",\"verbs\":[\"get\","
                        + "\"list\",\"patch\",\"update\",\"watch\"],\"shortNames\":[\"po\"]}]}";
                default -> null;
            };
            if (body != null) {
                return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(body);
            }
            return crud.dispatch(request);
        }
    }
}
