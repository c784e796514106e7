using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Fdt.Server.Certificates;

/// <summary>
/// The embedded setup's local certificate authority: created on first start in the data directory
/// (<c>ca.crt</c>, and <c>ca.key</c> readable by the server's user only), it issues the
/// certificates the HTTPS listener presents. Users trust it by importing <c>ca.crt</c>
/// (<c>fdt-server ca export</c>). Certificates for a base domain with a dot are one wildcard
/// (<c>*.example.test</c>); wildcards directly under a single label such as <c>localhost</c> are
/// refused by TLS clients, so those names get a certificate each, issued when first asked for.
/// </summary>
internal sealed class DevelopmentCa : IDisposable
{
    public const string CertificateFile = "ca.crt";
    public const string KeyFile = "ca.key";

    private static readonly TimeSpan LeafLifetime = TimeSpan.FromDays(397);

    private readonly X509Certificate2 _authority;
    private readonly ConcurrentDictionary<string, X509Certificate2> _issued = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _baseDomain;
    private readonly X509Certificate2? _wildcard;

    private DevelopmentCa(X509Certificate2 authority, string baseDomain)
    {
        _authority = authority;
        _baseDomain = baseDomain.ToLowerInvariant();
        _wildcard = _baseDomain.Contains('.', StringComparison.Ordinal) ? Issue([_baseDomain, "*." + _baseDomain]) : null;
    }

    /// <summary>The authority's certificate (public part only).</summary>
    public X509Certificate2 Authority => _authority;

    /// <summary>The authority's certificate as PEM, for users to trust.</summary>
    public string ExportPem() => _authority.ExportCertificatePem();

    /// <summary>Loads the authority from <paramref name="directory"/>, creating it there on first use.</summary>
    public static DevelopmentCa LoadOrCreate(string directory, string baseDomain)
    {
        var certificatePath = Path.Combine(directory, CertificateFile);
        var keyPath = Path.Combine(directory, KeyFile);
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            Directory.CreateDirectory(directory);
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest($"CN=FDT development CA ({Environment.MachineName}), O=FDT", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
            var now = DateTimeOffset.UtcNow;
            using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
            Fdt.Api.Security.SecretFile.Write(keyPath, key.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(certificatePath, created.ExportCertificatePem());
        }

        return new DevelopmentCa(X509Certificate2.CreateFromPemFile(certificatePath, keyPath), baseDomain);
    }

    /// <summary>
    /// The certificate for a TLS server name: the wildcard or a per-name certificate for names
    /// under the base domain, the base domain's certificate for anything else (and no name).
    /// </summary>
    public X509Certificate2 Select(string? serverName)
    {
        var name = serverName?.TrimEnd('.').ToLowerInvariant();
        if (_wildcard is not null && (name is null || IsSingleLabelUnderBase(name) || name == _baseDomain))
        {
            return _wildcard;
        }

        if (name is null || !(name == _baseDomain || name.EndsWith("." + _baseDomain, StringComparison.Ordinal)) || name.Length > 253)
        {
            name = _baseDomain;
        }

        return _issued.GetOrAdd(name, static (host, ca) => ca.Issue([host]), this);
    }

    public void Dispose()
    {
        _authority.Dispose();
        _wildcard?.Dispose();
        foreach (var certificate in _issued.Values)
        {
            certificate.Dispose();
        }
    }

    private bool IsSingleLabelUnderBase(string name)
        => name.EndsWith("." + _baseDomain, StringComparison.Ordinal) && !name[..^(_baseDomain.Length + 1)].Contains('.', StringComparison.Ordinal);

    private X509Certificate2 Issue(IReadOnlyList<string> names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        var alternativeNames = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            alternativeNames.AddDnsName(name);
        }

        request.CertificateExtensions.Add(alternativeNames.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_authority, true, false));
        var now = DateTimeOffset.UtcNow;
        var notAfter = now + LeafLifetime < _authority.NotAfter ? now + LeafLifetime : _authority.NotAfter.ToUniversalTime();
        using var signed = request.Create(_authority, now.AddDays(-1), notAfter, RandomNumberGenerator.GetBytes(16));
        return signed.CopyWithPrivateKey(key);
    }
}
