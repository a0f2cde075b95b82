using System.Security.Cryptography;

namespace OnnxDiffusion.Cli.Tests.Commands;

/// <summary>
/// The embedded default model through the CLI must keep giving the same bytes while the model-loading path changes:
/// the hashes below were recorded from the code before model folders were inferred (commit ff577d4).
/// </summary>
[Collection("console")]
public class EmbeddedModelIdentityTests
{
    private static readonly string[] Expected =
    [
        "Ankle boot/000009.png 8bb23fa66cc705fefdfecfa83ac51c922be1a64734c75a7ab2ab92ed4c84854f",
        "Bag/000008.png 32af383eed96de4a771f1713c441dfb1c8de39ed48aa1790efdfa28409507333",
        "Coat/000004.png 19b795388d7cbb4e08c3b367150582dcfcf21b4cd52288872ddfd97c287b01f3",
        "Dress/000003.png 5a21dfc3712d1ee39832ad6e2a5bf1a46466c5ea3de9f1bf3ab7ad7af61c486c",
        "Pullover/000002.png e893f4da46ac457d22044f3417a73ec3831adb1a1f05bed9757ff0c756c82679",
        "Sandal/000005.png 1f35ed527baf0126ea80472d7c0adc3754a81a6a5e3c7095328534eb43f2ecf8",
        "Shirt/000006.png 69f44419ee2263307da6df8ccb8aa7af8bae32f58f0719764bc8a68c3dc9d45d",
        "Sneaker/000007.png 161e36fa132f12053d0b8065444239fa2b21916d4b168c1c9039634e96e114e2",
        "T-shirt_top/000000.png dfb59d9d09c80604fd30981a68478bbe6171f1bec4c0ed768619a448358955f9",
        "Trouser/000001.png a2e01a390c5f362e5e9ad1290d6024d3fe64fc8d70b64cf63d3b142a43ee4e6a",
    ];

    [Fact]
    public void GenerateWithTheEmbeddedModelGivesTheRecordedPngs()
    {
        string dir = TestData.NewDir("embedded-identity");
        var (rc, err) = TestData.RunCli("generate", "--per-class", "1", "--steps", "3", "--seed", "21",
            "--device", "cpu", "--out", dir);
        Assert.True(rc == 0, err);
        var actual = TestData.Pngs(dir).Select(kv => $"{kv.Key.Replace('\\', '/')} {Convert.ToHexStringLower(SHA256.HashData(kv.Value))}").ToArray();
        Assert.True(Expected.SequenceEqual(actual), "actual:\n" + string.Join("\n", actual.Select(a => $"        \"{a}\",")));
    }
}
