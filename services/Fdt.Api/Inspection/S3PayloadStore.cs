using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Fdt.Api.Inspection;

/// <summary>Bodies as objects in an S3 (or S3-compatible) bucket.</summary>
public sealed class S3PayloadStore : IPayloadStore, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly string _bucket;
    private readonly string _prefix;

    public S3PayloadStore(InspectionOptions.S3Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Bucket))
        {
            throw new InvalidOperationException("Inspection:S3:Bucket is required when Inspection:Store is s3.");
        }

        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,
        };
        if (!string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }

        _client = string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
        _bucket = options.Bucket;
        _prefix = options.Prefix ?? string.Empty;
    }

    public string Kind => "s3";

    public void Dispose() => _client.Dispose();

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(content.ToArray(), writable: false);
        await _client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = Key(key), InputStream = stream, UseChunkEncoding = false, ContentType = "application/octet-stream" }, cancellationToken);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _client.GetObjectAsync(_bucket, Key(key), cancellationToken);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var batch in keys.Chunk(1000))
        {
            await _client.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = _bucket, Objects = [.. batch.Select(k => new KeyVersion { Key = Key(k) })] }, cancellationToken);
        }
    }

    private string Key(string key) => PayloadKeys.IsValid(key) ? _prefix + key : throw new ArgumentException($"'{key}' is not a payload key.", nameof(key));
}
