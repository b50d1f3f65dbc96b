/** What the functions use of `@aws-sdk/client-s3`, loaded by `require` (./load.ts says why). */
import type * as Sdk from '@aws-sdk/client-s3';
import { loadSdk } from './load.ts';

const sdk = loadSdk<typeof Sdk>('@aws-sdk/client-s3', [
  'DeleteObjectCommand',
  'DeleteObjectsCommand',
  'GetObjectCommand',
  'GetObjectTaggingCommand',
  'NoSuchKey',
  'PutObjectCommand',
  'S3Client',
  'S3ServiceException',
  'paginateListObjectsV2',
]);

export const DeleteObjectCommand = sdk.DeleteObjectCommand;
export type DeleteObjectCommand = Sdk.DeleteObjectCommand;
export const DeleteObjectsCommand = sdk.DeleteObjectsCommand;
export type DeleteObjectsCommand = Sdk.DeleteObjectsCommand;
export const GetObjectCommand = sdk.GetObjectCommand;
export type GetObjectCommand = Sdk.GetObjectCommand;
export const GetObjectTaggingCommand = sdk.GetObjectTaggingCommand;
export type GetObjectTaggingCommand = Sdk.GetObjectTaggingCommand;
export const NoSuchKey = sdk.NoSuchKey;
export type NoSuchKey = Sdk.NoSuchKey;
export const PutObjectCommand = sdk.PutObjectCommand;
export type PutObjectCommand = Sdk.PutObjectCommand;
export const S3Client = sdk.S3Client;
export type S3Client = Sdk.S3Client;
export const S3ServiceException = sdk.S3ServiceException;
export type S3ServiceException = Sdk.S3ServiceException;
export const paginateListObjectsV2 = sdk.paginateListObjectsV2;
