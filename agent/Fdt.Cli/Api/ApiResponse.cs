using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Fdt.Cli.Output;

namespace Fdt.Cli.Api;

/// <summary>
/// An answer of the server's API, with its body read up to <see cref="ApiClient.MaxResponseBytes"/>.
/// Reading the body fails with an <see cref="ApiException"/> (exit code 1) that says why when it
/// is too large or not the JSON fdt expects.
/// </summary>
internal sealed class ApiResponse
{
    private readonly byte[]? _body;

    /// <param name="request">What was asked, e.g. "GET /v1/agent/tunnels".</param>
    /// <param name="body">The body; null when it was larger than the limit.</param>
    public ApiResponse(string request, HttpStatusCode statusCode, string? reasonPhrase, byte[]? body, Uri? location = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        Request = request;
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        _body = body;
        Location = location;
    }

    /// <summary>What was asked, e.g. "GET /v1/agent/tunnels", as messages name it.</summary>
    public string Request { get; }

    public HttpStatusCode StatusCode { get; }

    public string? ReasonPhrase { get; }

    /// <summary>Where a redirect points.</summary>
    public Uri? Location { get; }

    /// <summary>Whether the body was larger than the limit (and so was not kept).</summary>
    public bool IsTooLarge => _body is null;

    /// <summary>The problem details of an error answer, when it has them.</summary>
    public ProblemDetails? Problem => TryReadJson(ApiJsonContext.Default.ProblemDetails);

    /// <summary>The body as <typeparamref name="T"/>.</summary>
    /// <exception cref="ApiException">The body is too large or not JSON of that shape (exit code 1).</exception>
    public T ReadJson<T>(JsonTypeInfo<T> typeInfo)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var body = _body ?? throw TooLarge();
        try
        {
            return JsonSerializer.Deserialize(body, typeInfo) ?? throw NotUnderstood("it is null");
        }
        catch (JsonException ex)
        {
            throw NotUnderstood(ex.Message, ex);
        }
    }

    /// <summary>The body as a JSON document.</summary>
    /// <exception cref="ApiException">The body is too large or not JSON (exit code 1).</exception>
    public JsonDocument ReadDocument()
    {
        var body = _body ?? throw TooLarge();
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw NotUnderstood(ex.Message, ex);
        }
    }

    /// <summary>The body as <typeparamref name="T"/>; null when it is empty, too large or not JSON of that shape.</summary>
    public T? TryReadJson<T>(JsonTypeInfo<T> typeInfo)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (_body is not { Length: > 0 } body || body.AsSpan().TrimStart(" \t\r\n"u8) is not [(byte)'{', ..])
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, typeInfo);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>"404 Not Found", followed by the server's explanation when it gave one.</summary>
    public string Describe()
    {
        var status = EventText.Status((int)StatusCode, ReasonPhrase);
        var problem = Problem;
        var explanation = !string.IsNullOrWhiteSpace(problem?.Detail) ? problem.Detail : problem?.Title;
        return string.IsNullOrWhiteSpace(explanation) ? status : $"{status}: {EventText.Printable(explanation)}";
    }

    /// <summary>The error for an answer fdt does not expect here: exit code 1, with what the server said.</summary>
    public ApiException Unexpected()
    {
        var hint = (int)StatusCode is >= 300 and < 400 && Location is not null
            ? $"The server redirects to {EventText.Printable(Location.ToString())}; give the server's final URL with --server or `fdt config set server <url>`."
            : null;
        return new ApiException(new CliError(ExitCodes.UnexpectedError, $"The server answered {Request} with {Describe()}", Problem?.Code, hint));
    }

    private ApiException TooLarge() => new(new CliError(
        ExitCodes.UnexpectedError,
        string.Create(CultureInfo.InvariantCulture, $"The server's answer to {Request} is larger than {ApiClient.MaxResponseBytes / 1024} KiB; is the server URL an FDT server?")));

    /// <summary>The error for an answer that is not the JSON fdt expects (exit code 1).</summary>
    public ApiException NotUnderstood(string problem, Exception? innerException = null) => new(
        new CliError(
            ExitCodes.UnexpectedError,
            $"The server's answer to {Request} ({EventText.Status((int)StatusCode, ReasonPhrase)}) is not what fdt expects: {problem}",
            Hint: "Check that the server URL points to an FDT server, and that fdt and the server are of matching versions (see `fdt version`)."),
        innerException);
}
