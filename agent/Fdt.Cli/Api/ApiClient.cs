using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Security;
using Fdt.Agent;

namespace Fdt.Cli.Api;

/// <summary>
/// Calls the FDT server's HTTP API, which is on the server URL's origin (where agents connect).
/// One client per command: the agent's TLS settings (<c>--insecure</c>), the system proxy, a
/// 30-second timeout, <c>User-Agent: fdt/&lt;version&gt;</c>, and answers read up to 64 KiB.
/// A server that cannot be reached becomes an <see cref="ApiException"/> with exit code 5.
/// </summary>
internal sealed class ApiClient : IDisposable
{
    /// <summary>The largest answer fdt reads; the API's answers are a few KiB at most.</summary>
    public const int MaxResponseBytes = 64 * 1024;

    /// <summary>How long one request may take, connecting included.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;

    public ApiClient(Uri server, HttpMessageHandler handler)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(handler);
        Server = server;
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = RequestTimeout };
        _http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", $"fdt/{CliVersion.Current}");
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>The server URL the user gave (the API is on its origin).</summary>
    public Uri Server { get; }

    /// <summary>A client for <paramref name="server"/> with the TLS settings of <paramref name="insecure"/> and <see cref="CliContext.ConfigureTls"/>.</summary>
    public static ApiClient Create(CliContext context, Uri server, bool insecure)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ApiClient(server, CreateHandler(insecure, context.ConfigureTls));
    }

    internal static SocketsHttpHandler CreateHandler(bool insecure, Action<SslClientAuthenticationOptions>? configureTls)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = RequestTimeout,
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        if (insecure)
        {
            // Opt-in (--insecure) for development servers with self-signed certificates, as for the agent.
#pragma warning disable CA5359
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }

        configureTls?.Invoke(handler.SslOptions);
        return handler;
    }

    /// <summary>The URL of <paramref name="path"/> (starting with '/', already escaped) on the server's origin.</summary>
    public Uri EndpointUri(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path[0] != '/')
        {
            throw new ArgumentException("The path must start with '/'.", nameof(path));
        }

        return new Uri(new Uri(Server.GetLeftPart(UriPartial.Authority)), path);
    }

    /// <summary>Sends a request and reads the answer (any status).</summary>
    /// <param name="path">The path on the server's origin, with variable parts escaped.</param>
    /// <param name="bearer">The authtoken to send as <c>Authorization: Bearer</c>, if any.</param>
    /// <exception cref="ApiException">The server could not be reached or did not answer in time (exit code 5).</exception>
    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, HttpContent? content, string? bearer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        var name = $"{method.Method} {path}";
        using var request = new HttpRequestMessage(method, EndpointUri(path))
        {
            Content = content ?? (method == HttpMethod.Get ? null : new ByteArrayContent([])),
        };
        if (bearer is not null)
        {
            if (bearer.Length == 0 || bearer.Any(static c => char.IsWhiteSpace(c) || char.IsControl(c) || c > '\u007e'))
            {
                throw new ApiException(new CliError(ExitCodes.UsageError, "The authtoken has spaces, control or non-ASCII characters, so it cannot be sent.", Hint: CliError.AuthtokenHint));
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var body = await ReadBodyAsync(response.Content, MaxResponseBytes, cancellationToken);
            return new ApiResponse(name, response.StatusCode, response.ReasonPhrase, body, response.Headers.Location);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw Unreachable(ex.Message, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout: the request was not canceled by the user.
            throw Unreachable(string.Create(CultureInfo.InvariantCulture, $"no answer within {RequestTimeout.TotalSeconds:0} s"), ex);
        }
    }

    /// <summary>The body, or null when it is larger than <paramref name="limit"/> bytes (the rest is not read).</summary>
    internal static async Task<byte[]?> ReadBodyAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Headers.ContentLength > limit)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[Math.Min(limit + 1, (int)(content.Headers.ContentLength ?? limit) + 1)];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total > limit)
                {
                    return null;
                }

                Array.Resize(ref buffer, Math.Min(limit + 1, buffer.Length * 2));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0)
            {
                return buffer[..total];
            }

            total += read;
        }
    }

    public void Dispose() => _http.Dispose();

    private ApiException Unreachable(string reason, Exception innerException) => new(
        new CliError(
            ExitCodes.ServerUnreachable,
            $"Cannot reach the FDT server at {Server}: {reason}",
            Hint: CliError.HintFor(AgentFailure.ServerUnreachable, null, Server)),
        innerException);
}
