using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Fdt.Dashboard.Infrastructure;

/// <summary>
/// Calls the API's endpoints in process, as the signed-in person, so that the console shows what
/// the API decides: the same validation, tenant checks, authorization policies and audit records
/// (with the browser's address and user agent), and no second copy of any of it. An endpoint is
/// found by its name (<c>WithName</c>), handed a fresh <see cref="HttpContext"/> that carries the
/// console request's user, connection and services, and its JSON answer is read back.
/// </summary>
public sealed class ConsoleApi
{
    /// <summary>Largest answer read back from an endpoint (an inspector body is at most 1 MiB, base64 and JSON add to it).</summary>
    public const int MaxResponseBytes = 16 * 1024 * 1024;

    private static readonly string[] CopiedHeaders = ["User-Agent", "X-Request-Id", "traceparent"];

    private readonly EndpointDataSource _endpoints;
    private readonly IAuthorizationPolicyProvider _policies;
    private readonly IAuthorizationService _authorization;
    private readonly JsonSerializerOptions _json;
    private FrozenDictionary<string, RouteEndpoint>? _byName;

    public ConsoleApi(EndpointDataSource endpoints, IAuthorizationPolicyProvider policies, IAuthorizationService authorization, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        ArgumentNullException.ThrowIfNull(json);
        _endpoints = endpoints;
        _policies = policies;
        _authorization = authorization;
        _json = json.Value.SerializerOptions;
    }

    /// <summary>Calls an endpoint and reads its JSON answer as <typeparamref name="T"/>.</summary>
    public async Task<ApiResult<T>> SendAsync<T>(HttpContext caller, string endpointName, object? routeValues = null, object? body = null, IEnumerable<KeyValuePair<string, string?>>? query = null)
    {
        var response = await SendRawAsync(caller, endpointName, routeValues, body, query);
        if (!response.IsSuccess)
        {
            return new ApiResult<T>(response.Status, default, response.ReadProblem(_json));
        }

        var value = response.Body.Length == 0 ? default : JsonSerializer.Deserialize<T>(response.Body.Span, _json);
        return new ApiResult<T>(response.Status, value, null);
    }

    /// <summary>Calls an endpoint that answers without content (or whose content does not matter).</summary>
    public async Task<ApiResult<object?>> SendAsync(HttpContext caller, string endpointName, object? routeValues = null, object? body = null)
    {
        var response = await SendRawAsync(caller, endpointName, routeValues, body, null);
        return new ApiResult<object?>(response.Status, null, response.IsSuccess ? null : response.ReadProblem(_json));
    }

    /// <summary>Calls an endpoint and returns its answer as it is (status, headers, bytes): for downloads.</summary>
    public async Task<ApiResponse> SendRawAsync(HttpContext caller, string endpointName, object? routeValues, object? body, IEnumerable<KeyValuePair<string, string?>>? query)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var endpoint = Find(endpointName);
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
        var method = methods is { Count: > 0 } ? methods[0] : HttpMethods.Get;

        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature());
        var output = new MemoryStream();
        features.Set<IHttpResponseFeature>(new HttpResponseFeature());
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(output));
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature
        {
            RemoteIpAddress = caller.Connection.RemoteIpAddress,
            RemotePort = caller.Connection.RemotePort,
            LocalIpAddress = caller.Connection.LocalIpAddress,
            LocalPort = caller.Connection.LocalPort,
        });
        var context = new DefaultHttpContext(features)
        {
            RequestServices = caller.RequestServices,
            User = caller.User,
            RequestAborted = caller.RequestAborted,
        };
        var request = context.Request;
        request.Method = method;
        request.Scheme = caller.Request.Scheme;
        request.Host = caller.Request.Host;
        request.Path = endpoint.RoutePattern.RawText is { } pattern ? "/" + pattern.TrimStart('/') : "/";
        // Route values travel as text, the way routing would have matched them from a path.
        var values = new RouteValueDictionary();
        foreach (var (key, value) in new RouteValueDictionary(routeValues))
        {
            values[key] = value switch
            {
                Guid id => id.ToString("D"),
                IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => value?.ToString(),
            };
        }

        request.RouteValues = values;
        if (query is not null)
        {
            request.QueryString = QueryString.Create(query.Where(p => !string.IsNullOrEmpty(p.Value)));
        }

        foreach (var name in CopiedHeaders)
        {
            if (caller.Request.Headers.TryGetValue(name, out var value))
            {
                request.Headers[name] = value;
            }
        }

        if (body is not null)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), _json);
            request.Body = new MemoryStream(bytes);
            request.ContentType = "application/json";
            request.ContentLength = bytes.Length;

            // Minimal APIs read a JSON body only when the server says the request can have one.
            features.Set<IHttpRequestBodyDetectionFeature>(new BodyDetection(true));
        }

        context.SetEndpoint(endpoint);
        if (!await AuthorizeAsync(endpoint, caller))
        {
            return ApiResponse.Forbidden();
        }

        await endpoint.RequestDelegate!(context);
        if (output.Length > MaxResponseBytes)
        {
            throw new InvalidOperationException($"The endpoint {endpointName} answered more than {MaxResponseBytes} bytes.");
        }

        var headers = context.Response.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        return new ApiResponse(context.Response.StatusCode, context.Response.ContentType, headers, output.GetBuffer().AsMemory(0, (int)output.Length));
    }

    // The authorization middleware does not run for an in-process call: the endpoint's own
    // policies (RequireAuthorization, the operator policy) are evaluated here against the
    // console's user instead.
    private async Task<bool> AuthorizeAsync(RouteEndpoint endpoint, HttpContext caller)
    {
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return true;
        }

        var policy = await AuthorizationPolicy.CombineAsync(_policies, endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(), endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>());
        if (policy is null)
        {
            return true;
        }

        return (await _authorization.AuthorizeAsync(caller.User, resource: null, policy.Requirements)).Succeeded;
    }

    private RouteEndpoint Find(string name)
    {
        _byName ??= _endpoints.Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Endpoint: e, Name: e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName))
            .Where(e => e.Name is not null)
            .ToFrozenDictionary(e => e.Name!, e => e.Endpoint, StringComparer.Ordinal);
        return _byName.TryGetValue(name, out var endpoint) && endpoint.RequestDelegate is not null
            ? endpoint
            : throw new InvalidOperationException($"No API endpoint is named '{name}'.");
    }
}

internal sealed record BodyDetection(bool CanHaveBody) : IHttpRequestBodyDetectionFeature;

/// <summary>An endpoint's answer as it was written.</summary>
public sealed record ApiResponse(int Status, string? ContentType, IReadOnlyDictionary<string, StringValues> Headers, ReadOnlyMemory<byte> Body)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    public static ApiResponse Forbidden() => new(StatusCodes.Status403Forbidden, "application/problem+json", new Dictionary<string, StringValues>(), JsonSerializer.SerializeToUtf8Bytes(new { title = "Not allowed", status = 403, detail = "Your account may not do this." }));

    public ApiProblem ReadProblem(JsonSerializerOptions json)
    {
        try
        {
            var problem = Body.Length == 0 ? null : JsonSerializer.Deserialize<HttpValidationProblemDetails>(Body.Span, json);
            if (problem is not null)
            {
                return new ApiProblem(problem.Title ?? $"HTTP {Status}", problem.Detail, problem.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.OrdinalIgnoreCase));
            }
        }
        catch (JsonException)
        {
            // Not a problem document: fall through to the status alone.
        }

        return new ApiProblem($"HTTP {Status}", null, new Dictionary<string, string[]>());
    }
}

/// <summary>A refusal from the API: its title, detail and per-field validation errors.</summary>
public sealed record ApiProblem(string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    /// <summary>One line for a page: the detail when there is one, else the title.</summary>
    public string Message => string.IsNullOrWhiteSpace(Detail) ? Title : Detail;
}

/// <summary>An endpoint's typed answer, or its problem.</summary>
public sealed record ApiResult<T>(int Status, T? Value, ApiProblem? Problem)
{
    public bool IsSuccess => Problem is null;
}
