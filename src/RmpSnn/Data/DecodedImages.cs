namespace RmpSnn.Data;

/// <summary>
/// Image files decoded on demand (for image folders): a dataset over them holds only paths and labels, and its batches
/// decode their images in parallel, one batch ahead of the consumer, so memory stays flat whatever the folder's size.
/// <see cref="Decode"/> turns one file into planar RGB bytes of the dataset's size.
/// </summary>
/// <param name="Paths">The image files, in dataset order.</param>
/// <param name="Decode">Decodes one file; throws <see cref="RmpSnnException"/> for a file it cannot read.</param>
public sealed record DecodedImages(IReadOnlyList<string> Paths, Func<string, byte[]> Decode);
