using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Fdt.Api.Events;
using Fdt.Api.Security;
using Fdt.Data;
using Fdt.Data.Audit;
using Fdt.Data.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Fdt.Api.Certificates;

/// <summary>
/// Operators' certificates for the HTTPS listener: upload (replace), list and delete, by domain.
/// A visitor whose SNI matches a stored domain (exactly, or one label under a wildcard) gets that
/// certificate; other names get the development CA's.
/// </summary>
public static class CertificatesEndpoints
{
    /// <summary>Upload limits: a chain of a few certificates, one key.</summary>
    public const int MaxCertificatePemLength = 64 * 1024;
    public const int MaxKeyPemLength = 16 * 1024;

    public sealed record UploadRequest(string? Certificate, string? PrivateKey);

    public sealed record CertificateView(string Domain, string Subject, string Thumbprint, DateTime NotBefore, DateTime NotAfter, DateTime UpdatedAt);

    public static RouteGroupBuilder MapCertificatesApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/certificates").RequireAuthorization(ApiServiceCollectionExtensions.OperatorPolicy).WithTags("Certificates");
        group.MapGet("/", ListAsync).WithName("ListCertificates").WithSummary("Uploaded certificates (never their keys).");
        group.MapPut("/{domain}", UploadAsync).WithName("UploadCertificate").WithSummary("Stores a certificate and its private key (encrypted at rest) for a domain or *.domain, replacing any before it.");
        group.MapDelete("/{domain}", DeleteAsync).WithName("DeleteCertificate").WithSummary("Removes a domain's certificate; its visitors get the development CA's again.");
        return v1;
    }

    private static async Task<Ok<List<CertificateView>>> ListAsync(FdtDbContext db, CancellationToken cancellationToken)
        => TypedResults.Ok(await db.Certificates.OrderBy(c => c.Domain)
            .Select(c => new CertificateView(c.Domain, c.Subject, c.Thumbprint, c.NotBefore, c.NotAfter, c.UpdatedAt))
            .ToListAsync(cancellationToken));

    private static async Task<Results<Ok<CertificateView>, ValidationProblem>> UploadAsync(
        string domain, UploadRequest request, HttpContext context, FdtDbContext db, CertificateKeyProtector protector, AuditLog audit, IControlPlaneEvents events, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetStoredUtcNow();
        var (normalized, certificate, key, error) = Validate(domain, request, now);
        if (error is not null)
        {
            return TypedResults.ValidationProblem(error);
        }

        using (certificate)
        {
            var stored = await db.Certificates.SingleOrDefaultAsync(c => c.Domain == normalized, cancellationToken);
            if (stored is null)
            {
                stored = new StoredCertificate { Id = Guid.NewGuid(), Domain = normalized!, CertificatePem = string.Empty, EncryptedKey = [], Thumbprint = string.Empty, Subject = string.Empty };
                db.Certificates.Add(stored);
            }

            stored.CertificatePem = request.Certificate!.Trim() + "\n";
            stored.EncryptedKey = protector.Protect(key, normalized!);
            CryptographicOperations.ZeroMemory(key);
            stored.Thumbprint = Convert.ToHexString(certificate!.GetCertHash(HashAlgorithmName.SHA256));
            stored.Subject = certificate.Subject.Length > 1024 ? certificate.Subject[..1024] : certificate.Subject;
            stored.NotBefore = DateTime.SpecifyKind(certificate.NotBefore.ToUniversalTime(), DateTimeKind.Utc);
            stored.NotAfter = DateTime.SpecifyKind(certificate.NotAfter.ToUniversalTime(), DateTimeKind.Utc);
            stored.UploadedByUserId = context.User.GetUserId();
            stored.UpdatedAt = now;
            await audit.SaveWithAuditAsync(db, CallerAudit.Record(context, "certificate.upload", targetType: "certificate", targetId: stored.Domain, details: new { thumbprint = stored.Thumbprint, notAfter = stored.NotAfter }), cancellationToken);
            await events.CertificatesChangedAsync(cancellationToken);
            return TypedResults.Ok(new CertificateView(stored.Domain, stored.Subject, stored.Thumbprint, stored.NotBefore, stored.NotAfter, stored.UpdatedAt));
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string domain, HttpContext context, FdtDbContext db, AuditLog audit, IControlPlaneEvents events, CancellationToken cancellationToken)
    {
        var normalized = domain.Trim().TrimEnd('.').ToLowerInvariant();
        var stored = await db.Certificates.SingleOrDefaultAsync(c => c.Domain == normalized, cancellationToken);
        if (stored is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Certificate not found", detail: $"No certificate is stored for {normalized}.");
        }

        db.Certificates.Remove(stored);
        await audit.SaveWithAuditAsync(db, CallerAudit.Record(context, "certificate.delete", targetType: "certificate", targetId: stored.Domain, details: new { thumbprint = stored.Thumbprint }), cancellationToken);
        await events.CertificatesChangedAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Checks the domain, the PEM sizes, that key and certificate belong together, cover the domain and are valid now.</summary>
    private static (string? Domain, X509Certificate2? Certificate, byte[] Key, Dictionary<string, string[]>? Errors) Validate(string domain, UploadRequest request, DateTime now)
    {
        static (string?, X509Certificate2?, byte[], Dictionary<string, string[]>?) Fail(string field, string message)
            => (null, null, [], new Dictionary<string, string[]> { [field] = [message] });

        var normalized = domain.Trim().TrimEnd('.').ToLowerInvariant();
        var host = normalized.StartsWith("*.", StringComparison.Ordinal) ? normalized[2..] : normalized;
        if (normalized.Length > 253 || host.Split('.').Length < 2 || !host.Split('.').All(IsLabel))
        {
            return Fail("domain", "The domain must be a host name such as app.example.com, or a wildcard such as *.example.com.");
        }

        if (string.IsNullOrWhiteSpace(request.Certificate) || request.Certificate.Length > MaxCertificatePemLength)
        {
            return Fail("certificate", $"The certificate (PEM, with its chain) is required and at most {MaxCertificatePemLength} characters.");
        }

        if (string.IsNullOrWhiteSpace(request.PrivateKey) || request.PrivateKey.Length > MaxKeyPemLength)
        {
            return Fail("privateKey", $"The private key (PEM) is required and at most {MaxKeyPemLength} characters.");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(request.Certificate, request.PrivateKey);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return Fail("privateKey", "The certificate and private key could not be read together (is the key the certificate's?): " + ex.Message);
        }

        var probe = normalized.StartsWith("*.", StringComparison.Ordinal) ? "probe-label." + host : normalized;
        string? problem = null;
        if (!certificate.MatchesHostname(probe, allowWildcards: true))
        {
            problem = $"The certificate does not cover {normalized}.";
        }
        else if (certificate.NotAfter.ToUniversalTime() <= now || certificate.NotBefore.ToUniversalTime() > now)
        {
            problem = $"The certificate is valid from {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}, not now.";
        }

        if (problem is not null)
        {
            certificate.Dispose();
            return Fail("certificate", problem);
        }

        byte[] key;
        using (var exportable = certificate.GetECDsaPrivateKey() as AsymmetricAlgorithm ?? certificate.GetRSAPrivateKey())
        {
            if (exportable is null)
            {
                certificate.Dispose();
                return Fail("privateKey", "Only RSA and ECDSA keys are supported.");
            }

            key = exportable.ExportPkcs8PrivateKey();
        }

        return (normalized, certificate, key, null);
    }

    private static bool IsLabel(string label)
        => label.Length is > 0 and <= 63 && label[0] != '-' && label[^1] != '-' && label.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
