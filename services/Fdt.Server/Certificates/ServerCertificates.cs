using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Fdt.Api.Security;
using Fdt.Data;
using Fdt.Server.ControlPlane;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fdt.Server.Certificates;

/// <summary>
/// Chooses the certificate the HTTPS listener presents for a server name: an operator's uploaded
/// certificate for that exact domain, else one for the wildcard one label up, else the development
/// CA's. Uploaded certificates come from the database (keys decrypted in memory only) and are
/// reloaded when the API says they changed, or when another node changed them (checked every
/// <see cref="ControlPlaneOptions.PollInterval"/>).
/// </summary>
internal sealed partial class ServerCertificates : BackgroundService
{
    private readonly DevelopmentCa _ca;
    private readonly IDbContextFactory<FdtDbContext>? _factory;
    private readonly CertificateKeyProtector? _protector;
    private readonly TimeSpan _pollInterval;
    private readonly ILogger<ServerCertificates> _logger;
    private readonly ConcurrentDictionary<string, SslStreamCertificateContext> _development = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private volatile Dictionary<string, SslStreamCertificateContext> _stored = new(StringComparer.Ordinal);
    private (int Count, DateTime? Latest) _loaded = (0, null);

    /// <summary>Development CA only (an edge without the control plane).</summary>
    public ServerCertificates(DevelopmentCa ca, ILogger<ServerCertificates> logger)
    {
        _ca = ca;
        _logger = logger;
    }

    /// <summary>Uploaded certificates from the database, then the development CA.</summary>
    public ServerCertificates(DevelopmentCa ca, IDbContextFactory<FdtDbContext> factory, CertificateKeyProtector protector, IOptions<ControlPlaneOptions> options, ILogger<ServerCertificates> logger)
        : this(ca, logger)
    {
        _factory = factory;
        _protector = protector;
        _pollInterval = options.Value.PollInterval;
    }

    public SslStreamCertificateContext Select(string? serverName)
    {
        var name = serverName?.TrimEnd('.').ToLowerInvariant();
        var stored = _stored;
        if (name is not null && stored.Count > 0)
        {
            if (stored.TryGetValue(name, out var exact))
            {
                return exact;
            }

            var dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && stored.TryGetValue("*" + name[dot..], out var wildcard))
            {
                return wildcard;
            }
        }

        var certificate = _ca.Select(name);
        return _development.GetOrAdd(certificate.Thumbprint, static (_, c) => SslStreamCertificateContext.Create(c, additionalCertificates: null, offline: true), certificate);
    }

    /// <summary>When the certificates this listener presents expire: the development CA's and every uploaded one.</summary>
    public IReadOnlyList<(string Domain, string Source, DateTimeOffset NotAfter)> Expiries()
    {
        var stored = _stored;
        var result = new List<(string, string, DateTimeOffset)>(stored.Count + 1) { ("development-ca", "development_ca", _ca.Authority.NotAfter.ToUniversalTime()) };
        foreach (var (domain, context) in stored)
        {
            result.Add((domain, "uploaded", context.TargetCertificate.NotAfter.ToUniversalTime()));
        }

        return result;
    }

    /// <summary>The API changed the stored certificates in this process: reload now.</summary>
    public void Invalidate()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_factory is null)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReloadIfChangedAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                Log.ReloadFailed(_logger, ex);
            }

            try
            {
                await _wake.WaitAsync(_pollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ReloadIfChangedAsync(CancellationToken cancellationToken)
    {
        await using var db = await _factory!.CreateDbContextAsync(cancellationToken);
        var count = await db.Certificates.CountAsync(cancellationToken);
        var latest = count == 0 ? null : await db.Certificates.MaxAsync(c => (DateTime?)c.UpdatedAt, cancellationToken);
        if ((count, latest) == _loaded)
        {
            return;
        }

        var rows = await db.Certificates.AsNoTracking().ToListAsync(cancellationToken);
        var loaded = new Dictionary<string, SslStreamCertificateContext>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            try
            {
                loaded[row.Domain] = Build(row.CertificatePem, _protector!.Unprotect(row.EncryptedKey, row.Domain));
            }
            catch (CryptographicException ex)
            {
                // A key encrypted under other key material (a node with different keys): skip it loudly.
                Log.CertificateUnreadable(_logger, row.Domain, ex.Message);
            }
        }

        _stored = loaded;
        _loaded = (count, latest);
        Log.Reloaded(_logger, loaded.Count);
    }

    private static SslStreamCertificateContext Build(string pem, byte[] pkcs8)
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(pem);
        var leaf = chain[0];
        X509Certificate2 withKey;
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
            withKey = leaf.CopyWithPrivateKey(ecdsa);
        }
        catch (CryptographicException)
        {
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            withKey = leaf.CopyWithPrivateKey(rsa);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }

        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }

        return SslStreamCertificateContext.Create(withKey, intermediates, offline: true);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Loaded {Count} uploaded certificates for the HTTPS listener")]
        public static partial void Reloaded(ILogger logger, int count);

        [LoggerMessage(2, LogLevel.Error, "The stored certificate for {Domain} cannot be decrypted with this server's keys (Api:KeyDirectory): {Message}")]
        public static partial void CertificateUnreadable(ILogger logger, string domain, string message);

        [LoggerMessage(3, LogLevel.Warning, "Reloading uploaded certificates failed")]
        public static partial void ReloadFailed(ILogger logger, Exception exception);
    }
}
