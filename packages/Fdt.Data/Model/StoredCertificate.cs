namespace Fdt.Data.Model;

/// <summary>
/// A certificate an operator uploaded for a domain (or a wildcard such as <c>*.example.com</c>):
/// the public chain as PEM, and the private key encrypted at rest (AES-GCM, key in the API's key
/// directory). The HTTPS listener presents it to visitors whose SNI matches.
/// </summary>
public sealed class StoredCertificate
{
    public Guid Id { get; set; }

    /// <summary>Lowercase host name or wildcard, unique.</summary>
    public required string Domain { get; set; }

    /// <summary>The certificate, then its chain, as PEM.</summary>
    public required string CertificatePem { get; set; }

    /// <summary>The PKCS#8 private key, encrypted (<c>CertificateKeyProtector</c>).</summary>
    public required byte[] EncryptedKey { get; set; }

    /// <summary>SHA-256 thumbprint of the certificate, hex.</summary>
    public required string Thumbprint { get; set; }

    public required string Subject { get; set; }

    public DateTime NotBefore { get; set; }

    public DateTime NotAfter { get; set; }

    public Guid? UploadedByUserId { get; set; }

    /// <summary>When it was uploaded (replacing a certificate for the same domain updates it).</summary>
    public DateTime UpdatedAt { get; set; }
}
