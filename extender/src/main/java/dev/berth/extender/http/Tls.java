package dev.berth.extender.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for the extender from PKCS12 files: the JDK reads them natively ({@code keytool} and
 * {@code openssl pkcs12 -export} both write them), so no PEM parser is needed. A client CA trust
 * store turns on required client-certificate authentication (mTLS).
 */
public final class Tls {
    private Tls() {}

    /**
     * @param keystore PKCS12 holding the server key and certificate chain
     * @param password its password (also the key's)
     * @param clientCa PKCS12 trust store of the CAs allowed to sign client certificates, or null
     * @param clientCaPassword its password (may be null or empty)
     */
    public static SSLContext context(Path keystore, char[] password, Path clientCa, char[] clientCaPassword)
            throws IOException, GeneralSecurityException {
        KeyStore ks = load(keystore, password);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        TrustManagerFactory tmf = null;
        if (clientCa != null) {
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(clientCa, clientCaPassword));
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return ctx;
    }

    private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password == null ? new char[0] : password);
        }
        return ks;
    }
}
