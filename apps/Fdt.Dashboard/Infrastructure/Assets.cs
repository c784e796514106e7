using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Fdt.Dashboard.Infrastructure;

/// <summary>
/// The console's scripts and styles, embedded in the assembly by the build (our own files from
/// <c>Assets/</c>, htmx from npm) and served at <c>/assets/NAME</c>. Pages link them with a
/// content hash (<see cref="Url"/>), so they are cached for a year and change with every build.
/// </summary>
public static class Assets
{
    private static readonly FrozenDictionary<string, Asset> All = Load();

    /// <summary>The URL of an asset with its content hash, e.g. <c>/assets/console.css?v=1a2b3c4d5e6f</c>.</summary>
    public static string Url(string name) => All.TryGetValue(name, out var asset)
        ? $"/assets/{name}?v={asset.Hash}"
        : throw new InvalidOperationException($"No console asset is named '{name}'.");

    internal static IEndpointRouteBuilder MapConsoleAssets(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/assets/{name}", (string name, HttpContext context) =>
        {
            if (!All.TryGetValue(name, out var asset))
            {
                return Results.NotFound();
            }

            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.ETag = asset.ETag;
            headers.CacheControl = context.Request.Query["v"] == asset.Hash ? "public, max-age=31536000, immutable" : "no-cache";
            return context.Request.Headers.IfNoneMatch == asset.ETag
                ? Results.StatusCode(StatusCodes.Status304NotModified)
                : Results.Bytes(asset.Content, asset.ContentType);
        }).ExcludeFromDescription();
        return endpoints;
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(Assets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("assets/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var hash = Convert.ToHexStringLower(SHA256.HashData(content))[..12];
            var name = resource["assets/".Length..];
            var type = Path.GetExtension(name) switch
            {
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            assets[name] = new Asset(content, type, hash, new EntityTagHeaderValue($"\"{hash}\"").ToString());
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed record Asset(byte[] Content, string ContentType, string Hash, string ETag);
}
