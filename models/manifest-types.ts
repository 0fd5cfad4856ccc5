/** Shape of models/manifest.json: named speech models with their official source and checksums. */
export type ModelKind = 'transducer' | 'paraformer' | 'ctc';
export type FileRole = 'encoder' | 'decoder' | 'joiner' | 'model' | 'tokens' | 'bpeVocab';

export interface ModelFile {
  /** Path inside the model folder. */
  path: string;
  /** Lower-case hex SHA-256; null only where the official release publishes none we could check. */
  sha256: string | null;
}

export interface ModelEntry {
  kind: ModelKind;
  /** 'pinyin': output units are pinyin initials/finals with tones; 'hanzi': characters (and maybe BPE English). */
  output: 'pinyin' | 'hanzi';
  description: string;
  license: string;
  sizeBytes?: number;
  /** Official k2-fsa release archive (.tar.bz2) and the folder it unpacks to. */
  archive: { url: string; sha256: string | null; root: string };
  files: Partial<Record<FileRole, ModelFile>>;
  /** The model can also drive sherpa-onnx's KeywordSpotter. */
  keywordSpotting?: boolean;
}

export interface ModelManifest {
  /** Model fetched on first start when none is present. */
  default: string;
  models: Record<string, ModelEntry>;
}

/** A model on disk, checked against the manifest: absolute paths by role. */
export interface ResolvedModel {
  name: string;
  dir: string;
  entry: ModelEntry;
  files: Partial<Record<FileRole, string>>;
}
