using System.Text.Json;
using OnnxDiffusion.Text;

namespace OnnxDiffusion.Tests.Text;

/// <summary>
/// <see cref="ClipTokenizer"/> on a vocabulary small enough to derive every id by hand. The rules are OpenAI CLIP's
/// simple_tokenizer.py (which Hugging Face's CLIPTokenizer follows): whitespace collapsed and lower-cased; pieces by the
/// pattern &lt;|startoftext|&gt; | &lt;|endoftext|&gt; | 's 't 're 've 'm 'll 'd | letter runs | one digit | runs of
/// other non-space characters; each piece's UTF-8 bytes through GPT-2's bytes_to_unicode; "&lt;/w&gt;" on the last
/// symbol; merges applied lowest rank first; bos + ids + eos, padded to model_max_length (77).
/// </summary>
public class ClipTokenizerTests
{
    // Merge ranks 0…7 build photo</w>, of</w>, cat</w> and 's</w>; e.g. "photo": p h o t o</w> → ph o t o</w> → pho t o</w>
    // → phot o</w> → photo</w>.
    private static readonly string[] Merges = ["p h", "ph o", "pho t", "phot o</w>", "o f</w>", "c a", "ca t</w>", "' s</w>"];

    private static readonly Dictionary<string, int> Vocab = new()
    {
        ["a</w>"] = 1, ["p"] = 2, ["h"] = 3, ["o"] = 4, ["t"] = 5, ["o</w>"] = 6, ["f</w>"] = 7, ["c"] = 8, ["a"] = 9, ["t</w>"] = 10,
        ["ph"] = 11, ["pho"] = 12, ["phot"] = 13, ["photo</w>"] = 14, ["of</w>"] = 15, ["ca"] = 16, ["cat</w>"] = 17, ["!</w>"] = 18,
        ["'s</w>"] = 19, ["1</w>"] = 20, ["2</w>"] = 21,
        // é is C3 A9 in UTF-8; both bytes are printable Latin-1, so they stand for themselves: Ã and ©.
        ["Ã"] = 22, ["©</w>"] = 23,
        // Byte 0x01 is not printable: bytes_to_unicode gives it U+0101 (256 + its rank among the non-printable bytes, 1).
        ["\u0101</w>"] = 25, ["'"] = 26,
        ["<|startoftext|>"] = 30, ["<|endoftext|>"] = 31, ["!"] = 32,
    };

    private static string Folder(string? config = null, IEnumerable<string>? merges = null, Dictionary<string, int>? vocab = null, string? vocabText = null)
    {
        string dir = Directory.CreateTempSubdirectory("clip-tokenizer").FullName;
        File.WriteAllText(Path.Combine(dir, "vocab.json"), vocabText ?? JsonSerializer.Serialize(vocab ?? Vocab));
        File.WriteAllLines(Path.Combine(dir, "merges.txt"), ["#version: 0.2", .. merges ?? Merges]);
        if (config is not null)
            File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), config);
        return dir;
    }

    private static ClipTokenizer Tok(string? config = null) => ClipTokenizer.Load(Folder(config));

    [Theory]
    [InlineData("a photo of a cat", new[] { 1, 14, 15, 1, 17 })]
    [InlineData("  A   PHOTO\tOf a CaT \n", new[] { 1, 14, 15, 1, 17 })] // lower-cased, whitespace collapsed
    [InlineData("cat!", new[] { 17, 18 })] // punctuation is its own piece
    [InlineData("cat's", new[] { 17, 19 })] // the contraction is split off
    [InlineData("12", new[] { 20, 21 })] // digits one by one
    [InlineData("pot", new[] { 2, 4, 10 })] // no merge applies: p o t</w>
    [InlineData("z", new[] { 31 })] // z</w> is not in the vocabulary: unk (the end token)
    [InlineData("é", new[] { 22, 23 })]
    [InlineData("\u0001", new[] { 25 })]
    [InlineData("<|startoftext|>cat", new[] { 30, 17 })] // special tokens are pieces of their own
    [InlineData("", new int[0])]
    public void IdsAsDerivedByHand(string text, int[] expected) => Assert.Equal(expected, Tok().Tokenize(text));

    [Fact]
    public void EncodeFramesWithBosAndEosAndPadsWithTheEndTokenByDefault()
    {
        var t = Tok();
        Assert.Equal((30, 31, 31, 77), (t.BosId, t.EosId, t.PadId, t.MaxLength));
        var ids = t.Encode("a cat");
        Assert.Equal(77, ids.Length);
        Assert.Equal([30, 1, 17, 31], ids[..4]);
        Assert.All(ids[4..], id => Assert.Equal(31, id));
        Assert.Equal([30, 31], t.Encode("")[..2]);
        Assert.All(t.Encode("")[2..], id => Assert.Equal(31, id));
    }

    [Fact]
    public void LongTextIsTruncatedKeepingBosFirstAndEosLast()
    {
        var ids = Tok().Encode(string.Concat(Enumerable.Repeat("cat ", 100)));
        Assert.Equal(77, ids.Length);
        Assert.Equal(30, ids[0]);
        Assert.Equal(31, ids[76]);
        Assert.All(ids[1..76], id => Assert.Equal(17, id));
    }

    [Fact]
    public void TokenizerConfigDecidesPadAndLengthAsSd2Does()
    {
        var t = Tok("""{"model_max_length": 10, "pad_token": {"content": "!", "lstrip": false}, "bos_token": "<|startoftext|>"}""");
        Assert.Equal((32, 10), (t.PadId, t.MaxLength));
        Assert.Equal([30, 17, 31, 32, 32, 32, 32, 32, 32, 32], t.Encode("cat"));
        // A "no limit" sentinel means CLIP's 77.
        Assert.Equal(77, Tok("""{"model_max_length": 1e30}""").MaxLength);
    }

    [Fact]
    public void BadFilesAreOneLineNamingTheFile()
    {
        string Message(Action a) => Assert.Throws<ConfigException>(a).Message;
        string dir = Folder();
        File.Delete(Path.Combine(dir, "merges.txt"));
        Assert.Equal($"{Path.Combine(dir, "merges.txt")}: not found; a CLIP BPE tokenizer needs vocab.json and merges.txt", Message(() => ClipTokenizer.Load(dir)));
        dir = Folder();
        File.Delete(Path.Combine(dir, "vocab.json"));
        Assert.Contains("vocab.json: not found", Message(() => ClipTokenizer.Load(dir)));
        Assert.Contains("tokenizer folder not found", Message(() => ClipTokenizer.Load("/nonexistent-tokenizer")));
        Assert.Contains("vocab.json: not a vocabulary", Message(() => ClipTokenizer.Load(Folder(vocabText: "[1, 2"))));
        Assert.Contains("merges.txt: line 3 'c a t': expected two symbols", Message(() => ClipTokenizer.Load(Folder(merges: ["p h", "c a t"]))));
        var noBos = new Dictionary<string, int>(Vocab);
        noBos.Remove("<|startoftext|>");
        Assert.Contains("has no bos token \"<|startoftext|>\"", Message(() => ClipTokenizer.Load(Folder(vocab: noBos))));
        Assert.Contains("key 'model_max_length' = 2", Message(() => Tok("""{"model_max_length": 2}""")));
        Assert.Contains("tokenizer_config.json: invalid JSON", Message(() => Tok("{")));
        Assert.All(new[] { Message(() => Tok("{")) }, m => Assert.DoesNotContain('\n', m));
    }
}
