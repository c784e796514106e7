using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Fdt.Testing;

/// <summary>Certificates for tests that play a TLS service or upload one.</summary>
public static class TestCertificates
{
    /// <summary>
    /// A self-signed ECDSA P-256 certificate for <paramref name="name"/> (its only DNS name),
    /// valid from yesterday for 30 days unless given, with its private key.
    /// </summary>
    public static X509Certificate2 SelfSigned(string name, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        return request.CreateSelfSigned(notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>The certificate's private key as PKCS#8 PEM.</summary>
    public static string PrivateKeyPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The certificate has no ECDSA private key.");
        return key.ExportPkcs8PrivateKeyPem();
    }
}
