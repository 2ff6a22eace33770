package dev.berth.extender.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for the extender from PKCS12 files: the JDK reads them natively ({@code keytool} and
 * {@code openssl pkcs12 -export} both write them), so no PEM parser is needed. A client CA trust
 * store turns on required client-certificate authentication (mTLS).
 *
 * <p>Both files are checked for what they must hold before the server starts: a key store without
 * a private key, or a trust store without a certificate, would otherwise give a server that says it
 * listens on https and then fails every handshake, with nothing in its log. The second happens
 * easily: the JDK skips a certificate that {@code openssl pkcs12 -export -nokeys} wrote without the
 * JDK's trust attribute, so such a file loads as an empty store.
 */
public final class Tls {
    private Tls() {}

    /** A TLS file that cannot serve its purpose; the message names the flag, the file and the fix. */
    public static final class BadStoreException extends GeneralSecurityException {
        BadStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * @param keystore PKCS12 holding the server key and certificate chain
     * @param password its password (also the key's)
     * @param clientCa PKCS12 trust store of the CAs allowed to sign client certificates, or null
     * @param clientCaPassword its password (may be null or empty)
     */
    public static SSLContext context(Path keystore, char[] password, Path clientCa, char[] clientCaPassword)
            throws IOException, GeneralSecurityException {
        KeyStore ks = load("--tls-keystore", keystore, password);
        if (!holdsKey(ks)) {
            throw new BadStoreException("--tls-keystore " + keystore + " holds no private key (" + ks.size()
                    + " entries); it must hold the server's key and certificate chain, as `keytool -genkeypair"
                    + " -storetype PKCS12` or `openssl pkcs12 -export -inkey key.pem -in chain.pem` write them", null);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        TrustManagerFactory tmf = null;
        if (clientCa != null) {
            KeyStore trust = load("--tls-client-ca", clientCa, clientCaPassword);
            if (!holdsCertificate(trust)) {
                throw new BadStoreException("--tls-client-ca " + clientCa + " holds no certificate the JDK trusts, so"
                        + " every client would be refused; import the CA with `keytool -importcert -storetype PKCS12"
                        + " -keystore FILE -alias client-ca -file ca.pem` (openssl 3.2 and later: `pkcs12 -export"
                        + " -nokeys -jdktrust anyExtendedKeyUsage`)", null);
            }
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return ctx;
    }

    private static boolean holdsKey(KeyStore ks) throws KeyStoreException {
        for (String alias : Collections.list(ks.aliases())) {
            if (ks.isKeyEntry(alias) && ks.getCertificate(alias) != null) {
                return true;
            }
        }
        return false;
    }

    /** A trusted certificate entry, or a key entry's certificate: the JDK's trust managers use both. */
    private static boolean holdsCertificate(KeyStore ks) throws KeyStoreException {
        for (String alias : Collections.list(ks.aliases())) {
            if (ks.getCertificate(alias) != null) {
                return true;
            }
        }
        return false;
    }

    private static KeyStore load(String flag, Path file, char[] password) throws GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password == null ? new char[0] : password);
        } catch (IOException | GeneralSecurityException e) {
            // a wrong password surfaces as an IOException whose message says so
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage();
            throw new BadStoreException(flag + " " + file + " cannot be read as PKCS12: " + why, e);
        }
        return ks;
    }
}
